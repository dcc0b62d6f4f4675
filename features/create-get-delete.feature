Feature: createApiKey, getApiKey and deleteApiKey on both controllers

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    And a user "bob" with roles "apikeys-self,apikeys-data"

  Scenario: an administrator creates a key for a user; the secret is shown once
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "ci", "description": "CI pipeline", "scopes": ["document:search@shop/orders"], "claims": { "team": "ops" } }, "expiresIn": "30d" }
      """
    Then the result matches:
      """
      { "_source": { "userId": "{{kuid:alice}}", "name": "ci", "description": "CI pipeline", "scopes": ["document:search@shop/orders"],
        "claims": { "team": "ops" }, "ttl": 2592000000, "createdBy": "admin", "revoked": false, "expired": false,
        "lastUsedAt": null, "revokedAt": null, "revokedBy": null, "revocationReason": null, "updatedAt": null } }
      """
    And the result field "_source.token" starts with "kapikey-"
    And the result field "_source.expiresAt" is a number between "{{now+2591990000}}" and "{{now+2592000000}}"
    When the result is remembered as key "ci"
    And "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:ci}}" }
      """
    Then the result matches:
      """
      { "_id": "{{id:ci}}", "_source": { "name": "ci", "userId": "{{kuid:alice}}" } }
      """
    And the result has no field "_source.token"

  Scenario: a user creates, reads and deletes its own keys
    When "alice" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "laptop" }, "_id": "{{unique:laptop}}" }
      """
    Then the result field "_source.expiresAt" is "-1"
    And the result field "_source.ttl" is "-1"
    And the result field "_source.createdBy" is "\"{{kuid:alice}}\""
    When the result is remembered as key "laptop"
    And "alice" calls "api-keys/auth:getApiKey" with "_id" = "{{id:laptop}}"
    Then the result field "_source.name" is "\"laptop\""
    When "bob" calls "api-keys/auth:getApiKey" with "_id" = "{{id:laptop}}"
    Then the call fails with status 404 and id "plugin.api-keys.not_found"
    When "bob" calls "api-keys/auth:deleteApiKey" with "_id" = "{{id:laptop}}"
    Then the call fails with status 404 and id "plugin.api-keys.not_found"
    When "alice" calls "api-keys/auth:deleteApiKey" with "_id" = "{{id:laptop}}"
    Then the result matches:
      """
      { "_id": "{{id:laptop}}" }
      """
    When "alice" calls "api-keys/auth:getApiKey" with "_id" = "{{id:laptop}}"
    Then the call fails with status 404 and id "plugin.api-keys.not_found"

  Scenario: a key of another user is not found through api-keys/security either
    Given the admin created a key "k" for "alice"
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:bob}}", "_id": "{{id:k}}" }
      """
    Then the call fails with status 404 and id "plugin.api-keys.not_found"
    When "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:bob}}", "_id": "{{id:k}}" }
      """
    Then the call fails with status 404 and id "plugin.api-keys.not_found"

  Scenario: bad input gets clear errors, never a 500
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "nobody-{{unique:u}}", "body": { "name": "x" } }
      """
    Then the call fails with status 404 and id "plugin.api-keys.not_found"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": {} }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "x" }, "expiresIn": 0 }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_expiry"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "x" }, "expiresIn": "soon" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_expiry"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "x" }, "expiresIn": "1h", "secondsUntilExpiration": 60 }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_expiry"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "x", "scopes": ["docu*:search"] } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_scope"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": 42 } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "no spaces allowed", "body": { "name": "x" } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "x", "claims": [1, 2] } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"

  Scenario: prototype keys in claims are refused, and cannot break the user's searches nor the user's deletion
    When "alice" sends the query:
      """
      { "controller": "api-keys/auth", "action": "createApiKey", "body": { "name": "p", "claims": { "__proto__": { "admin": true } } } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    And the error message contains "__proto__"
    When "alice" sends the query:
      """
      { "controller": "api-keys/auth", "action": "createApiKey", "body": { "name": "p", "claims": { "plan": { "constructor": { "prototype": { "x": 1 } } } } } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    Given the admin created a key "k" for "alice"
    When "key:k" sends the query:
      """
      { "controller": "api-keys/auth", "action": "updateApiKey", "_id": "{{id:k}}", "body": { "claims": { "__proto__": { "x": 1 } } } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "alice" calls "api-keys/auth:searchApiKeys" with:
      """
      { "body": {} }
      """
    Then the call succeeds
    And the result field "total" is "1"

  Scenario: an existing _id of the same user is a conflict and nothing is overwritten
    Given the admin created a key "first" for "alice" with:
      """
      { "_id": "{{unique:fixed}}" }
      """
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:first}}", "body": { "name": "second" } }
      """
    Then the call fails with status 409 and id "plugin.api-keys.already_exists"
    # ids are per user: bob may have his own key with that id
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:bob}}", "_id": "{{id:first}}", "body": { "name": "bob's" } }
      """
    Then the call succeeds
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:first}}" }
      """
    Then the result field "_source.name" is "\"first\""

  Scenario: secondsUntilExpiration, as Clerk
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "short" }, "secondsUntilExpiration": 3600 }
      """
    Then the result field "_source.ttl" is "3600000"
