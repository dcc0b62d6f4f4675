Feature: The test stack runs the real Kuzzle with the plugin, locked down

  Scenario: anonymous is denied once the first admin exists
    When "anonymous" calls "api-keys/auth:searchApiKeys"
    Then the call fails with status 401 and id "security.rights.unauthorized"
    When "anonymous" calls "document:search" with:
      """
      { "index": "shop", "collection": "orders", "body": {} }
      """
    Then the call fails with status 401 and id "security.rights.unauthorized"

  Scenario: the plugin's controllers and routes are registered
    When "admin" calls "server:publicApi"
    Then the call succeeds
    And the result field "api-keys/security.createApiKey.http.0.url" is "\"/_/api-keys/users/:userId/_create\""
    And the result field "api-keys/auth.getApiKey.http.0.url" is "\"/_/api-keys/me/:_id\""
    And the result field "api-keys/security.verifyApiKey.http.0.url" is "\"/_/api-keys/_verify\""
