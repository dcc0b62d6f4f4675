@stack-only
Feature: Keys stored by version 0.1 are migrated at boot

  Scenario: 0.1 documents (global ids, no uid) authenticate, are found by id and keep their children after a restart
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    And the admin created a key "old" for "alice" with:
      """
      { "body": { "name": "old", "scopes": ["server:now", "api-keys/auth:*"] } }
      """
    And the admin created a key "oldrevoked" for "alice"
    When "key:old" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "oldchild", "scopes": ["server:now"] } }
      """
    Then the result is remembered as key "oldchild"
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:oldrevoked}}", "revocationReason": "kept through the migration" }
      """
    Then the call succeeds
    When the keys "old, oldchild, oldrevoked" are rewritten in the 0.1 storage format
    And Kuzzle restarts
    Then Kuzzle's log contains "migrated 3 API keys (1 linked to their parent)" 1 time
    And "key:old" is authenticated as "alice"
    And "key:oldchild" is authenticated as "alice"
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:oldrevoked}}" }
      """
    Then the result field "_source.revocationReason" is "\"kept through the migration\""
    When "key:oldrevoked" calls "server:now"
    Then the call fails with status 401 and id "plugin.api-keys.revoked"
    # the migration is idempotent
    When Kuzzle restarts
    Then Kuzzle's log contains "migrated 3 API keys" 1 time
    # the child is still linked to its parent: it dies with it
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:old}}" }
      """
    Then the call succeeds
    When "key:oldchild" calls "server:now"
    Then the call fails with status 401 and id "plugin.api-keys.revoked"
