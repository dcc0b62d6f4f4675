Feature: Rotation: a new secret for the same key, the old one working for a chosen grace period at most

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    And the admin created a key "k" for "alice" with:
      """
      { "body": { "name": "k", "scopes": ["server:now", "realtime:*@shop", "api-keys/auth:*"], "claims": { "tenant": "t1" } }, "expiresIn": "1h" }
      """

  Scenario: grace 0: the old secret is refused with 401 rotated at once, the new one works, children still work
    When "key:k" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "child", "scopes": ["server:now"] }, "expiresIn": "30m" }
      """
    Then the result is remembered as key "child"
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    Then the call succeeds
    And the result field "_id" is "\"{{id:k}}\""
    And the result field "_source.token" starts with "kapikey-"
    And the result field "_source.previousSecretExpiresAt" is "null"
    And the result field "_source.claims" is "{\"tenant\":\"t1\"}"
    And the result field "_source.expiresAt" is "{{expiresAt:k}}"
    And the result is remembered as key "k2"
    When "key:k" calls "server:now"
    Then the call fails with status 401 and id "plugin.api-keys.rotated"
    When "key:k2" calls "server:now"
    Then the call succeeds
    When "key:child" calls "server:now"
    Then the call succeeds
    When "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:k}}" } }
      """
    Then the result field "code" is "\"ROTATED\""
    And the result field "valid" is "false"
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    Then the result field "_source.rotatedAt" is a number between "1" and "99999999999999"
    And the result has no field "_source.previousFingerprint"
    And the result has no field "_source.token"

  Scenario: a 2 s grace: both secrets work, then only the new one; rotating again ends the first at once
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "gracePeriod": "2s" }
      """
    Then the result field "_source.previousSecretExpiresAt" is a number between "1" and "99999999999999"
    And the result is remembered as key "k2"
    When "key:k" calls "server:now"
    Then the call succeeds
    When "key:k2" calls "server:now"
    Then the call succeeds
    When I wait 2200 ms
    And "key:k" calls "server:now"
    Then the call fails with status 401 and id "plugin.api-keys.rotated"
    When "key:k2" calls "api-keys/auth:rotateApiKey" with:
      """
      { "_id": "{{id:k}}", "gracePeriod": 60000 }
      """
    Then the result is remembered as key "k3"
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "gracePeriod": 60000 }
      """
    Then the result is remembered as key "k4"
    # at most two secrets: k3 (previous, in grace) and k4; k2 ended at the second rotation
    When "key:k2" calls "server:now"
    Then the call fails with status 401 and id "plugin.api-keys.rotated"
    When "key:k3" calls "server:now"
    Then the call succeeds
    When "key:k4" calls "server:now"
    Then the call succeeds

  Scenario: a subscription opened with the old secret ends when its grace ends
    When "key:k" subscribes on socket "s" to "shop/orders"
    And the admin creates a document in "shop/orders"
    Then the subscription "s shop/orders" got 1 notification within 3000 ms
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "gracePeriod": 1500 }
      """
    Then the call succeeds
    When the admin creates a document in "shop/orders"
    Then the subscription "s shop/orders" got 2 notifications within 1000 ms
    When I wait 1800 ms
    And the admin creates a document in "shop/orders"
    Then the subscription "s shop/orders" got 2 notifications within 1500 ms

  Scenario: the grace never outlives the key, nor maxRotationGrace; bad grace periods are 400
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "gracePeriod": "8d" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "gracePeriod": "soon" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "gracePeriod": -5 }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "gracePeriod": "7d" }
      """
    Then the call succeeds
    And the result field "_source.previousSecretExpiresAt" is "{{expiresAt:k}}"

  Scenario: deleting the key makes all its secrets unknown tokens
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "gracePeriod": 60000 }
      """
    Then the result is remembered as key "k2"
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    Then the result is remembered as key "k3"
    When "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    Then the call succeeds
    When "key:k" calls "server:now"
    Then the call fails with status 401 and id "security.token.invalid"
    When "key:k2" calls "server:now"
    Then the call fails with status 401 and id "security.token.invalid"
    When "key:k3" calls "server:now"
    Then the call fails with status 401 and id "security.token.invalid"

  Scenario: a key rotates only itself and its descendants; another user's key is a 404; revoked keys are not rotated
    Given a user "bob" with roles "apikeys-self"
    And the admin created a key "sibling" for "alice" with:
      """
      { "body": { "name": "sibling", "scopes": ["server:now"] } }
      """
    And the admin created a key "bobs" for "bob"
    When "key:k" calls "api-keys/auth:rotateApiKey" with:
      """
      { "_id": "{{id:sibling}}" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:sibling" calls "server:now"
    Then the call succeeds
    When "alice" calls "api-keys/auth:rotateApiKey" with:
      """
      { "_id": "{{id:bobs}}" }
      """
    Then the call fails with status 404 and id "plugin.api-keys.not_found"
    When "alice" calls "api-keys/auth:rotateApiKey" with:
      """
      { "_id": "{{id:k}}", "userId": "{{kuid:bob}}" }
      """
    Then the call succeeds
    When "key:bobs" calls "server:now"
    Then the call succeeds
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:sibling}}" }
      """
    And "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:sibling}}" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "key:sibling" calls "server:now"
    Then the call fails with status 401 and id "plugin.api-keys.revoked"

  Scenario: a key never rotates another user's key, whatever its scopes and its user's rights (it would receive that user's new secret)
    Given a user "ops" with roles "apikeys-admin"
    And a user "bob" with roles "apikeys-self"
    And the admin created a key "opskey" for "ops" with:
      """
      { "body": { "name": "opskey", "scopes": ["api-keys/security:*"] }, "expiresIn": "1h" }
      """
    And the admin created a key "bobs" for "bob"
    When "key:opskey" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:bob}}", "_id": "{{id:bobs}}" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    # the same answer for an id bob does not have: nothing tells which of bob's keys exist
    When "key:opskey" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:bob}}", "_id": "no-such-key" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:bobs" calls "auth:getCurrentUser"
    Then the call succeeds
    When "ops" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:bob}}", "_id": "{{id:bobs}}" }
      """
    Then the call succeeds
    When "key:opskey" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:ops}}", "_id": "{{id:opskey}}" }
      """
    Then the call succeeds

  Scenario: a secret in its grace still authenticates but manages nothing; checkToken calls a former secret invalid
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "gracePeriod": "1h" }
      """
    Then the result is remembered as key "k2"
    When "key:k" calls "server:now"
    Then the call succeeds
    When "key:k" calls "api-keys/auth:rotateApiKey" with:
      """
      { "_id": "{{id:k}}" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:k" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "escape", "scopes": ["server:now"] }, "expiresIn": "30m" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:k2" calls "server:now"
    Then the call succeeds
    When "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    And "anonymous" calls "auth:checkToken" with:
      """
      { "body": { "token": "{{secret:k}}" } }
      """
    Then the result field "valid" is "false"
