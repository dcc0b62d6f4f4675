@stack-only
Feature: Keys survive what Kuzzle does to its sessions; storage stays out of the request path

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"

  Scenario: a warm key costs no storage round trip; a cold one does (positive control)
    Given the admin created a key "k" for "alice"
    And Kuzzle restarts
    And the storage counters are reset
    When "key:k" calls "server:now"
    Then the call succeeds
    And the storage saw at least 1 plugin key read
    Given the storage counters are reset
    When "key:k" calls "server:now"
    And "key:k" calls "server:now"
    And "key:k" calls "server:now"
    Then the call succeeds
    And the storage saw 0 plugin key reads

  Scenario: a forged token costs no storage; a deleted key costs at most one lookup per cache lifetime
    Given the admin created a key "k" for "alice"
    And "key:k" is authenticated as "alice"
    When "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    And the storage counters are reset
    And the secret of key "k" is sent 5 times to "server:now"
    Then the call fails with status 401 and id "security.token.invalid"
    And the storage saw 0 plugin key reads
    When "anonymous" calls "server:now" with:
      """
      { "jwt": "kapikey-eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJfaWQiOiJhZG1pbiIsImlhdCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJlLWZvcmdlZA" }
      """
    Then the call fails with status 401 and id "security.token.invalid"
    And the storage saw no request at all

  Scenario: keys keep working after a Kuzzle restart and a Redis flush
    Given the admin created a key "k" for "alice"
    And "key:k" is authenticated as "alice"
    When Kuzzle restarts
    Then "key:k" is authenticated as "alice"
    When Redis is flushed
    Then "key:k" is authenticated as "alice"

  Scenario: fail closed: storage down while resolving an uncached key gives 503, never anonymous
    Given the admin created a key "k" for "alice"
    And Kuzzle restarts
    When the plugin storage fails
    And "key:k" calls "auth:getCurrentUser"
    Then the call fails with status 503 and id "plugin.api-keys.storage_unavailable"
    When the plugin storage recovers
    Then "key:k" is authenticated as "alice"

  Scenario: the secret is never in storage, in Redis or in Kuzzle's logs
    Given the admin created a key "k" for "alice"
    And "key:k" is authenticated as "alice"
    When "key:k" calls "security:getUser" with:
      """
      { "_id": "admin" }
      """
    And "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    And "key:k" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "plugin.api-keys.revoked"
    And no storage document, Redis entry or Kuzzle log contains the secret of key "k"

  Scenario: storage that hangs while resolving an uncached key fails closed too
    Given the admin created a key "k" for "alice"
    And Kuzzle restarts
    When the plugin storage hangs
    And "key:k" calls "auth:getCurrentUser"
    Then the call fails with status 503 and id "plugin.api-keys.storage_unavailable"
    When the plugin storage recovers
    Then "key:k" is authenticated as "alice"

  Scenario: resolving a key costs the same with 1 or 1,000 keys for its user
    Given a user "bob" with roles "apikeys-self"
    And the admin created 999 keys for "bob"
    And the admin created a key "crowded" for "bob"
    And the admin created a key "lonely" for "alice"
    And the storage counters are reset
    When "key:lonely" calls "server:now"
    Then the call succeeds
    When the plugin key reads are saved as "lonely"
    And the storage counters are reset
    And "key:crowded" calls "server:now"
    Then the call succeeds
    When the plugin key reads are saved as "crowded"
    Then the saved reads "lonely" and "crowded" are equal and at least 1

  Scenario: lastUsedAt costs at most one write per key per flush interval under 500 requests
    Given the admin created a key "busy" for "alice"
    And the storage counters are reset now
    When the secret of key "busy" is sent 500 times to "server:now"
    Then the call succeeds
    When I wait 1200 ms
    Then the plugin key writes since then are at most one per 1000 ms flush interval

  Scenario: a revoke racing a lastUsedAt flush stays revoked, with its reason
    Given the admin created a key "k" for "alice"
    When the secret of key "k" is sent 20 times to "server:now"
    And "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "revocationReason": "race" }
      """
    And I wait 2200 ms
    And "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    Then the result matches:
      """
      { "_source": { "revoked": true, "revocationReason": "race" } }
      """
    And the result field "_source.lastUsedAt" is a number between "{{now-5000}}" and "{{now}}"

  Scenario: pending lastUsedAt writes are flushed when Kuzzle shuts down
    Given the admin created a key "k" for "alice"
    When Kuzzle restarts with the plugin configuration:
      """
      { "lastUsedFlushInterval": 600000 }
      """
    And the secret of key "k" is sent 1 times to "server:now"
    Then the call succeeds
    When Kuzzle restarts with the plugin configuration:
      """
      { "lastUsedFlushInterval": 1000 }
      """
    And "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    Then the result field "_source.lastUsedAt" is a number between "{{now-30000}}" and "{{now}}"
