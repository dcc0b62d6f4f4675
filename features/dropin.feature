Feature: Kuzzle's native API-key calls are served by the plugin (nativeActions: 'plugin')

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"

  Scenario: sdk.security.createApiKey makes a plugin key with the native shape, and setAPIKey uses it
    When "admin" runs sdk.security.createApiKey for "alice" with "my description" and options:
      """
      { "expiresIn": "1h", "_id": "{{unique:native}}", "refresh": "wait_for", "name": "from-sdk", "scopes": ["document:*", "auth:*"], "claims": { "tier": "gold" } }
      """
    Then the result is a native API key of "alice" described "my description", remembered as "n"
    And the result field "_source.ttl" is "3600000"
    And "key:n" is authenticated as "alice"
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:n}}" }
      """
    Then the result matches:
      """
      { "_source": { "name": "from-sdk", "scopes": ["document:*", "auth:*"], "claims": { "tier": "gold" }, "description": "my description" } }
      """
    When "key:n" calls "server:now"
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "admin" runs sdk.security.searchApiKeys for "alice" with:
      """
      { "query": { "match": { "description": "description" } } }
      """
    Then the result hits contain key "n"
    And the result total is 1
    When "admin" runs sdk.security.deleteApiKey for "alice" on key "n"
    Then the SDK answered the raw response of key "n"
    When "key:n" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "security.token.invalid"

  Scenario: sdk.auth.*ApiKey for the current user
    When "alice" runs sdk.auth.createApiKey with "mine" and options:
      """
      { "refresh": "wait_for" }
      """
    Then the result is a native API key of "alice" described "mine", remembered as "mine"
    And the result field "_source.expiresAt" is "-1"
    When "alice" runs sdk.auth.searchApiKeys with:
      """
      {}
      """
    Then the result hits contain key "mine"
    When "alice" calls "api-keys/auth:getApiKey" with "_id" = "{{id:mine}}"
    Then the result field "_source.description" is "\"mine\""
    When "alice" runs sdk.auth.deleteApiKey on key "mine"
    Then the SDK answered null
    When "alice" calls "api-keys/auth:getApiKey" with "_id" = "{{id:mine}}"
    Then the call fails with status 404 and id "plugin.api-keys.not_found"

  Scenario: native defaults and errors
    When "admin" calls "security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": {} }
      """
    Then the call fails with status 400 and id "api.assert.missing_argument"
    When "admin" calls "security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "expiresIn": 0, "body": { "description": "zero means never" } }
      """
    Then the result field "_source.expiresAt" is "-1"

  Scenario: rights are checked on the native name
    Given a user "carol" with roles "apikeys-native"
    When "carol" calls "security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "description": "through the native name" } }
      """
    Then the call succeeds
    When "carol" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "description": "through the plugin name" } }
      """
    Then the call fails with status 403 and id "security.rights.forbidden"

  Scenario: the native HTTP routes behave the same
    When "admin" sends "POST" "/users/{{kuid:alice}}/api-keys/_create?expiresIn=1h&refresh=wait_for" with body:
      """
      { "description": "over http" }
      """
    Then the result is a native API key of "alice" described "over http", remembered as "h"
    When "admin" sends "POST" "/users/{{kuid:alice}}/api-keys/_search" with body:
      """
      { "match": { "description": "http" } }
      """
    Then the result hits contain key "h"
    When "alice" sends "POST" "/api-keys/_create?refresh=wait_for" with body:
      """
      { "description": "mine over http" }
      """
    Then the result is a native API key of "alice" described "mine over http", remembered as "h2"
    When "admin" sends "DELETE" "/users/{{kuid:alice}}/api-keys/{{id:h}}"
    Then the result matches:
      """
      { "_id": "{{id:h}}" }
      """
    When "alice" sends "DELETE" "/api-keys/{{id:h2}}"
    Then the result matches:
      """
      { "_id": "{{id:h2}}" }
      """

  Scenario: an id or user id that no storage can hold is refused with a 400, not a 503
    # sent as raw queries: kuzzle-sdk's HTTP routes cannot put a lone surrogate in a URL (encodeURIComponent throws)
    When "admin" sends the query:
      """
      { "controller": "security", "action": "deleteApiKey", "userId": "{{kuid:alice}}", "_id": "lone \ud800 surrogate" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "alice" sends the query:
      """
      { "controller": "auth", "action": "deleteApiKey", "_id": "lone \udc00 surrogate" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" sends the query:
      """
      { "controller": "security", "action": "deleteApiKey", "userId": "{{kuid:alice}}", "_id": "{{repeat:é:300}}" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" sends the query:
      """
      { "controller": "api-keys/security", "action": "searchApiKeys", "userId": "lone \ud800 surrogate", "body": {} }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" sends the query:
      """
      { "controller": "security", "action": "createApiKey", "userId": "lone \ud800 surrogate", "body": { "description": "x" } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" sends the query:
      """
      { "controller": "security", "action": "deleteApiKey", "userId": "{{kuid:alice}}", "_id": "a-legacy-id-that-does-not-exist" }
      """
    Then the call fails with status 404 and id "services.storage.not_found"
