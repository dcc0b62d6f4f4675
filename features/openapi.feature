Feature: the plugin's routes in Kuzzle's OpenAPI document (GET /_openapi?scope=app)

  Scenario: the plugin's part of the document is valid OpenAPI 3.1 and covers every public route
    When the admin reads the application's OpenAPI document and the public API
    Then the plugin's paths form a valid OpenAPI 3.1 document
    And every route of our controllers in the public API has its own OpenAPI operation
    And the OpenAPI operation "post" "/_/api-keys/users/{userId}/_create" documents the error "plugin.api-keys.already_exists" as 409
    And the OpenAPI operation "post" "/_/api-keys/me/_create" documents the error "plugin.api-keys.invalid_expiry" as 400
    And the OpenAPI operation "get" "/_/api-keys/me/{_id}" documents the error "plugin.api-keys.not_found" as 404
    And the OpenAPI operation "post" "/_/api-keys/_verify" documents the error "api.assert.missing_argument" as 400
