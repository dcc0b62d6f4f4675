@cluster @stack-only @cluster-heartbeat-5000
Feature: API keys on a real 3-node Kuzzle cluster
  Each node runs in its own network namespace (test/stack/cluster.ts); one Redis and the storage are
  shared. Every call goes to one given node over the profile's protocol. The cluster's heartbeat is 5 s,
  so that a partition of up to ~10 s evicts no node.

  Scenario: a key created on node 1 works on nodes 2 and 3
    Given the admin created a key "k" on node 1 with:
      """
      { "body": { "name": "everywhere", "scopes": ["server:now"] } }
      """
    Then "key:k" calling "server:now" on nodes "1,2,3" succeeds

  Scenario: a key revoked on node 1 is refused on nodes 2 and 3 within a second
    Given the admin created a key "k" on node 1 with:
      """
      { "body": { "name": "revoked", "scopes": ["server:now"] } }
      """
    And "key:k" calling "server:now" on nodes "2,3" succeeds
    When "admin" calls "api-keys/security:revokeApiKey" on node 1 with:
      """
      { "userId": "admin", "_id": "{{id:k}}" }
      """
    Then the call succeeds
    And within 1000 ms "key:k" calling "server:now" on nodes "2,3" fails with status 401 and id "plugin.api-keys.revoked"

  Scenario: a key deleted on node 1 is refused on nodes 2 and 3 within a second
    Given the admin created a key "k" on node 1 with:
      """
      { "body": { "name": "deleted", "scopes": ["server:now"] } }
      """
    And "key:k" calling "server:now" on nodes "2,3" succeeds
    When "admin" calls "api-keys/security:deleteApiKey" on node 1 with:
      """
      { "userId": "admin", "_id": "{{id:k}}" }
      """
    Then the call succeeds
    And within 1000 ms "key:k" calling "server:now" on nodes "2,3" fails with status 401 and id "security.token.invalid"

  Scenario: new scopes set on node 1 apply on node 2 within a second
    Given the admin created a key "k" on node 1 with:
      """
      { "body": { "name": "narrowed", "scopes": ["server:now", "server:info"] } }
      """
    And "key:k" calling "server:now" on nodes "2" succeeds
    When "admin" calls "api-keys/security:updateApiKey" on node 1 with:
      """
      { "userId": "admin", "_id": "{{id:k}}", "body": { "scopes": ["server:info"] } }
      """
    Then the call succeeds
    And within 1000 ms "key:k" calling "server:now" on nodes "2" fails with status 403 and id "plugin.api-keys.scope_denied"
    And "key:k" calling "server:info" on nodes "2" succeeds

  # Kuzzle's cluster broadcast resolves as soon as the message is queued on node 1, before nodes 2 and 3 applied it
  # (~5 to 50 ms later): the shared revocation mark, checked on every request, is what makes this hold.
  Scenario: the very next request after a revoke, a delete or a scope update on node 1 is refused on nodes 2 and 3
    Then 10 times in a row, revoking a warm key on node 1 makes the very next request on nodes "2,3" fail with status 401 and id "plugin.api-keys.revoked"
    And 10 times in a row, deleting a warm key on node 1 makes the very next request on nodes "2,3" fail with status 401 and id "security.token.invalid"
    And 10 times in a row, narrowing a warm key on node 1 makes the very next request on nodes "2,3" fail with status 403 and id "plugin.api-keys.scope_denied"

  Scenario: a node killed with SIGKILL: keys keep working on the others, and on it once restarted
    Given the admin created a key "k" on node 1 with:
      """
      { "body": { "name": "survivor", "scopes": ["server:now"] } }
      """
    And "key:k" calling "server:now" on nodes "1,2,3" succeeds
    When node 3 is killed
    Then "key:k" calling "server:now" on nodes "1,2" succeeds
    Given the admin created a key "doomed" on node 1 with:
      """
      { "body": { "name": "revoked while node 3 is down", "scopes": ["server:now"] } }
      """
    When "admin" calls "api-keys/security:revokeApiKey" on node 1 with:
      """
      { "userId": "admin", "_id": "{{id:doomed}}" }
      """
    Then the call succeeds
    When node 3 is restarted
    Then "key:doomed" calling "server:now" on nodes "3" fails with status 401 and id "plugin.api-keys.revoked"
    And cluster:status on node 3 reports 3 active nodes
    And cluster:status on node 1 reports 3 active nodes
    And "key:k" calling "server:now" on nodes "3,1,2" succeeds

  Scenario: a partition shorter than the heartbeat timeout evicts nobody; a revocation made during it reaches the cut-off node after the heal
    Given the admin created a key "k" on node 1 with:
      """
      { "body": { "name": "partitioned", "scopes": ["server:now"] } }
      """
    And "key:k" calling "server:now" on nodes "1,2,3" succeeds
    When node 2 is cut off from node 1
    And "admin" calls "api-keys/security:revokeApiKey" on node 1 with:
      """
      { "userId": "admin", "_id": "{{id:k}}" }
      """
    Then the call succeeds
    And within 1000 ms "key:k" calling "server:now" on nodes "3" fails with status 401 and id "plugin.api-keys.revoked"
    When I wait 3000 ms
    And the partition heals within 5000 ms of its start
    Then within 15000 ms "key:k" calling "server:now" on node 2 fails with status 401 and id "plugin.api-keys.revoked"
    And no node was evicted since the partition began
    And cluster:status on node 1 reports 3 active nodes
    And cluster:status on node 2 reports 3 active nodes

  # The broadcast cannot reach node 2 until the heal: the shared revocation mark in Redis does.
  Scenario: a key revoked on node 1 during a partition is refused on the cut-off node 2 at once
    Given the admin created a key "k" on node 1 with:
      """
      { "body": { "name": "partitioned-now", "scopes": ["server:now"] } }
      """
    And "key:k" calling "server:now" on nodes "1,2,3" succeeds
    When node 2 is cut off from node 1
    And "admin" calls "api-keys/security:revokeApiKey" on node 1 with:
      """
      { "userId": "admin", "_id": "{{id:k}}" }
      """
    Then the call succeeds
    And "key:k" calling "server:now" on nodes "2" fails with status 401 and id "plugin.api-keys.revoked"
    When the partition heals within 5000 ms of its start
    Then no node was evicted since the partition began
    And cluster:status on node 1 reports 3 active nodes
