Feature: update, revoke, verify and lastUsedAt

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    And the admin created a key "k" for "alice" with:
      """
      { "body": { "name": "k", "description": "first", "claims": { "plan": "free" } }, "expiresIn": "2h" }
      """

  Scenario: update changes metadata, keeps the secret, and may only shorten the expiry
    When "alice" calls "api-keys/auth:updateApiKey" with:
      """
      { "_id": "{{id:k}}", "body": { "name": "renamed", "description": "second", "claims": { "plan": "pro" } }, "expiresIn": "1h" }
      """
    Then the result matches:
      """
      { "_id": "{{id:k}}", "_source": { "name": "renamed", "description": "second", "claims": { "plan": "pro" }, "revoked": false } }
      """
    And the result has no field "_source.token"
    And the result field "_source.expiresAt" is a number between "{{now+3590000}}" and "{{now+3600000}}"
    And the result field "_source.updatedAt" is a number between "{{now-5000}}" and "{{now}}"
    And "key:k" is authenticated as "alice"
    When "alice" calls "api-keys/auth:updateApiKey" with:
      """
      { "_id": "{{id:k}}", "expiresIn": "3h" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_expiry"
    When "alice" calls "api-keys/auth:updateApiKey" with:
      """
      { "_id": "{{id:k}}", "expiresIn": -1 }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_expiry"
    When "alice" calls "api-keys/auth:updateApiKey" with:
      """
      { "_id": "{{id:k}}", "body": { "claims": "not an object" } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"

  Scenario: claims over claimsMaxBytes are refused
    When "alice" creates a key with claims of 8000 bytes
    Then the call succeeds
    When "alice" creates a key with claims of 9000 bytes
    Then the call fails with status 400 and id "plugin.api-keys.claims_too_large"

  Scenario: revoke is soft, keeps the first reason, and takes effect on the next request
    Given "key:k" is authenticated as "alice"
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "revocationReason": "leaked in a log" }
      """
    Then the result matches:
      """
      { "_source": { "revoked": true, "revokedBy": "admin", "revocationReason": "leaked in a log" } }
      """
    When "key:k" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "plugin.api-keys.revoked"
    When "alice" calls "api-keys/auth:revokeApiKey" with:
      """
      { "_id": "{{id:k}}", "revocationReason": "second reason" }
      """
    Then the result matches:
      """
      { "_source": { "revoked": true, "revokedBy": "admin", "revocationReason": "leaked in a log" } }
      """
    When "alice" calls "api-keys/auth:getApiKey" with "_id" = "{{id:k}}"
    Then the result field "_source.revoked" is "true"

  Scenario: verifyApiKey answers VALID, REVOKED, EXPIRED and NOT_FOUND without using the key
    When "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:k}}" } }
      """
    Then the result matches:
      """
      { "valid": true, "code": "VALID", "key": { "_id": "{{id:k}}", "_source": { "lastUsedAt": null } } }
      """
    And the result has no field "key._source.token"
    Given the admin created a key "short" for "alice" with:
      """
      { "expiresIn": 1 }
      """
    When I wait 20 ms
    And "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:short}}" } }
      """
    Then the result matches:
      """
      { "valid": false, "code": "EXPIRED", "key": { "_id": "{{id:short}}", "_source": { "expired": true } } }
      """
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    And "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:k}}" } }
      """
    Then the result matches:
      """
      { "valid": false, "code": "REVOKED" }
      """
    When "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    And "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:k}}" } }
      """
    Then the result matches:
      """
      { "valid": false, "code": "NOT_FOUND", "key": null }
      """
    When "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "not-a-token" } }
      """
    Then the result field "code" is "\"NOT_FOUND\""
    When "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": {} }
      """
    Then the call fails with status 400 and id "api.assert.missing_argument"

  Scenario: lastUsedAt moves within one flush interval after a use, not after a verify
    When "key:k" calls "server:now"
    And the result field "now" is saved as "usedAt"
    And I wait 1500 ms
    And "alice" calls "api-keys/auth:getApiKey" with "_id" = "{{id:k}}"
    Then the result field "_source.lastUsedAt" is a number between "{{now-3000}}" and "{{now}}"
    When the result field "_source.lastUsedAt" is saved as "firstUse"
    And "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:k}}" } }
      """
    And I wait 1500 ms
    And "alice" calls "api-keys/auth:getApiKey" with "_id" = "{{id:k}}"
    Then the result field "_source.lastUsedAt" is "{{var:firstUse}}"
