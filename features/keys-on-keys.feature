Feature: Keys on keys: children never keep what their parents lost, keys manage only what they made, ids are per user

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    And the admin created a key "parent" for "alice" with:
      """
      { "body": { "name": "parent", "scopes": ["server:now", "server:info", "api-keys/auth:*"], "claims": { "tenant": "t1" } } }
      """
    When "key:parent" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "child", "scopes": ["server:now", "server:info", "api-keys/auth:*"] } }
      """
    Then the result is remembered as key "child"

  Scenario: a narrowed parent narrows its child at the child's next request
    When "key:child" calls "server:info"
    Then the call succeeds
    When "admin" calls "api-keys/security:updateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:parent}}", "body": { "scopes": ["server:now", "api-keys/auth:*"] } }
      """
    Then the call succeeds
    When "key:child" calls "server:info"
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    And the error message contains "ancestor"
    When "key:child" calls "server:now"
    Then the call succeeds
    When "key:child" calls "auth:checkRights" with:
      """
      { "body": { "controller": "server", "action": "info" } }
      """
    Then the result field "allowed" is "false"

  Scenario: a shortened parent expiry ends the child, whose own expiresAt stays
    When "admin" calls "api-keys/security:updateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:parent}}", "expiresIn": 1500 }
      """
    Then the call succeeds
    When "key:child" calls "server:now"
    Then the call succeeds
    When I wait 1700 ms
    And "key:child" calls "server:now"
    Then the call fails with status 401 and id "plugin.api-keys.expired"
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:child}}" }
      """
    Then the result field "_source.expired" is "true"
    And the result field "_source.expiresAt" is "-1"
    When "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:child}}" } }
      """
    Then the result field "code" is "\"EXPIRED\""
    When "admin" calls "auth:checkToken" with:
      """
      { "body": { "token": "{{secret:child}}" } }
      """
    Then the result field "valid" is "false"

  Scenario: a key cannot revoke, delete or update unrelated keys of its user, nor change claims
    Given the admin created a key "sibling" for "alice" with:
      """
      { "body": { "name": "sibling", "scopes": ["server:now"] } }
      """
    When "key:parent" calls "api-keys/auth:revokeApiKey" with:
      """
      { "_id": "{{id:sibling}}" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:parent" calls "api-keys/auth:deleteApiKey" with:
      """
      { "_id": "{{id:sibling}}" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:parent" calls "api-keys/auth:updateApiKey" with:
      """
      { "_id": "{{id:sibling}}", "body": { "name": "hijacked" } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:child" calls "api-keys/auth:revokeApiKey" with:
      """
      { "_id": "{{id:parent}}" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:sibling" calls "server:now"
    Then the call succeeds
    # claims are set by whoever created the key
    When "key:parent" calls "api-keys/auth:updateApiKey" with:
      """
      { "_id": "{{id:parent}}", "body": { "claims": { "tenant": "t2" } } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:parent" calls "api-keys/auth:updateApiKey" with:
      """
      { "_id": "{{id:child}}", "body": { "claims": { "tenant": "t2" } } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:parent" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "forged", "claims": { "tenant": "t2" } } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:parent" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "inherits" } }
      """
    Then the result field "_source.claims" is "{\"tenant\":\"t1\"}"
    # reading stays allowed
    When "key:child" calls "api-keys/auth:getApiKey" with:
      """
      { "_id": "{{id:sibling}}" }
      """
    Then the call succeeds

  Scenario: a key manages itself and its descendants
    When "key:parent" calls "api-keys/auth:updateApiKey" with:
      """
      { "_id": "{{id:child}}", "body": { "name": "renamed" } }
      """
    Then the result field "_source.name" is "\"renamed\""
    When "key:child" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "grandchild", "scopes": ["server:now"] } }
      """
    Then the result is remembered as key "grandchild"
    When "key:parent" calls "api-keys/auth:revokeApiKey" with:
      """
      { "_id": "{{id:grandchild}}" }
      """
    Then the call succeeds
    When "key:grandchild" calls "server:now"
    Then the call fails with status 401 and id "plugin.api-keys.revoked"
    When "key:child" calls "api-keys/auth:revokeApiKey" with:
      """
      { "_id": "{{id:child}}", "revocationReason": "self" }
      """
    Then the call succeeds
    When "key:child" calls "server:now"
    Then the call fails with status 401 and id "plugin.api-keys.revoked"
    When "key:parent" calls "server:now"
    Then the call succeeds

  Scenario: key ids are per user
    Given a user "bob" with roles "apikeys-self,apikeys-data"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "ci", "body": { "name": "alice ci", "scopes": ["server:now"] } }
      """
    Then the result is remembered as key "aliceci"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:bob}}", "_id": "ci", "body": { "name": "bob ci", "scopes": ["server:now"] } }
      """
    Then the result is remembered as key "bobci"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:bob}}", "_id": "ci", "body": { "name": "again" } }
      """
    Then the call fails with status 409 and id "plugin.api-keys.already_exists"
    When "bob" calls "api-keys/auth:getApiKey" with:
      """
      { "_id": "{{id:child}}" }
      """
    Then the call fails with status 404 and id "plugin.api-keys.not_found"
    And the error message contains "bob"
    When "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "ci" }
      """
    Then the call succeeds
    When "key:aliceci" calls "server:now"
    Then the call fails with status 401 and id "security.token.invalid"
    When "key:bobci" calls "server:now"
    Then the call succeeds
    When "bob" calls "api-keys/auth:getApiKey" with:
      """
      { "_id": "ci" }
      """
    Then the result field "_source.name" is "\"bob ci\""

  @stack-only
  Scenario: a child that outlived its parent's deletion stays dead when the parent's id is re-created
    When "key:child" calls "server:now"
    Then the call succeeds
    When the storage loses the key document of "parent"
    And "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:parent}}", "body": { "name": "reborn", "scopes": ["server:now", "api-keys/auth:*"] } }
      """
    Then the call succeeds
    When "key:child" calls "server:now"
    Then the call fails with status 401 and id "security.token.invalid"
    When "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:child}}" } }
      """
    Then the result field "valid" is "false"
