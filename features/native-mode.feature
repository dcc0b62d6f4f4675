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

  Scenario: legacy keys: ids stay theirs, owners delete them by _id, fingerprint or secret, plugin keys cannot
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    When Kuzzle restarts with the plugin configuration:
      """
      { "nativeActions": "kuzzle", "lastUsedFlushInterval": 1000 }
      """
    # distinct expiries: within one second, Kuzzle would mint byte-identical secrets for one user
    And "admin" runs sdk.security.createApiKey for "alice" with "one" and options:
      """
      { "refresh": "wait_for", "_id": "{{unique:legacy}}", "expiresIn": "1d" }
      """
    Then the result is a native API key of "alice" described "one", remembered as "legacy1"
    When "admin" runs sdk.security.createApiKey for "alice" with "two" and options:
      """
      { "refresh": "wait_for", "expiresIn": "2d" }
      """
    Then the result is a native API key of "alice" described "two", remembered as "legacy2"
    When "admin" runs sdk.security.createApiKey for "alice" with "three" and options:
      """
      { "refresh": "wait_for", "expiresIn": "3d" }
      """
    Then the result is a native API key of "alice" described "three", remembered as "legacy3"
    When Kuzzle restarts with the plugin configuration:
      """
      { "lastUsedFlushInterval": 1000 }
      """
    # a plugin key never takes (and hides) the id of one of the user's legacy keys
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:legacy1}}", "body": { "name": "squat" } }
      """
    Then the call fails with status 409 and id "plugin.api-keys.already_exists"
    Given the admin created a key "pk" for "alice"
    When "key:pk" calls "auth:deleteApiKey" with:
      """
      { "_id": "{{id:legacy1}}" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    And "key:legacy1" is authenticated as "alice"
    When "alice" sends the query:
      """
      { "controller": "auth", "action": "deleteApiKey", "_id": "{{id:legacy1}}", "fingerprint": "{{fingerprint:legacy2}}" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "alice" calls "auth:deleteApiKey" with:
      """
      { "_id": "{{id:legacy1}}", "refresh": "wait_for" }
      """
    Then the call succeeds
    When "key:legacy1" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "security.token.invalid"
    When "alice" sends the query:
      """
      { "controller": "auth", "action": "deleteApiKey", "fingerprint": "{{fingerprint:legacy2}}", "refresh": "wait_for" }
      """
    Then the call succeeds
    When "key:legacy2" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "security.token.invalid"
    When "alice" sends the query:
      """
      { "controller": "auth", "action": "deleteApiKey", "body": { "key": "{{secret:legacy3}}" }, "refresh": "wait_for" }
      """
    Then the call succeeds
    When "key:legacy3" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "security.token.invalid"
    # the same forms delete plugin keys
    When "alice" sends the query:
      """
      { "controller": "auth", "action": "deleteApiKey", "body": { "key": "{{secret:pk}}" } }
      """
    Then the call succeeds
    When "key:pk" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "security.token.invalid"
