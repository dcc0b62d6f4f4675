@stack-only
Feature: Legacy Kuzzle keys keep working, and nativeActions: 'kuzzle' leaves Kuzzle alone

  Scenario: with 'kuzzle', SDK calls make Kuzzle keys; back to 'plugin', they still authenticate and can be deleted
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    When Kuzzle restarts with the plugin configuration:
      """
      { "nativeActions": "kuzzle", "lastUsedFlushInterval": 1000 }
      """
    And "admin" runs sdk.security.createApiKey for "alice" with "legacy" and options:
      """
      { "refresh": "wait_for" }
      """
    Then the result is a native API key of "alice" described "legacy", remembered as "legacy"
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:legacy}}" }
      """
    Then the call fails with status 404 and id "plugin.api-keys.not_found"
    And "key:legacy" is authenticated as "alice"
    Given the admin created a key "pk" for "alice"
    When "key:pk" calls "auth:createApiKey" with:
      """
      { "body": { "description": "would outlive the plugin key" } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.credential_forbidden"
    When Kuzzle restarts with the plugin configuration:
      """
      { "lastUsedFlushInterval": 1000 }
      """
    Then "key:legacy" is authenticated as "alice"
    When "admin" runs sdk.security.deleteApiKey for "alice" on key "legacy"
    Then the call succeeds
    When "key:legacy" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "security.token.invalid"
