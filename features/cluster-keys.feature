@cluster @stack-only @cluster-max-keys-5
Feature: Key management on a real 3-node cluster: one answer whichever node is asked

  Scenario: the same _id for the same user, created at once on two nodes: exactly one 200 and one 409
    When the admin creates a key "twin" for "admin" on nodes 1 and 2 at once
    Then exactly 1 creation succeeded, the others failed with status 409 and id "plugin.api-keys.already_exists"

  Scenario: maxKeysPerUser holds across nodes (an atomic per-user counter)
    Given a user "quota" exists on the cluster
    When 30 keys are created for "quota" at once, spread over nodes 1, 2 and 3
    Then exactly 5 creations succeeded, the others failed with status 400 and id "plugin.api-keys.too_many_keys"
    And "quota" has 5 keys, asked on node 3
    # the counter survives a Redis flush: it is rebuilt from storage
    When Redis is flushed on the cluster
    And 3 keys are created for "quota" at once, spread over nodes 1, 2 and 3
    Then exactly 0 creations succeeded, the others failed with status 400 and id "plugin.api-keys.too_many_keys"

  Scenario: a user deleted on node 1: its keys are refused at the next request on nodes 2 and 3
    Given a user "doomed" exists on the cluster
    And the admin created a key "dk" for cluster user "doomed" on node 1
    And "key:dk" calling "server:now" on nodes "1,2,3" succeeds
    When the admin deletes cluster user "doomed" on node 1
    Then "key:dk" calling "server:now" on nodes "2,3" fails with status 401 and id "security.token.invalid"

  Scenario: lastUsedAt is written at most once per key per flush interval per node
    Given the admin created a key "busy" on node 1 with:
      """
      { "body": { "name": "busy", "scopes": ["server:now"] } }
      """
    When the cluster storage counters are reset
    And "key:busy" calls "server:now" on nodes 1, 2 and 3 for 3000 ms
    Then the cluster saw at most one lastUsedAt write per 1000 ms per node for 3 nodes

  Scenario: a counter lost from Redis is rebuilt, never driven negative by a deletion
    Given a user "drift" exists on the cluster
    When 5 keys are created for "drift" at once, spread over nodes 1, 2 and 3
    Then exactly 5 creations succeeded, the others failed with status 400 and id "plugin.api-keys.too_many_keys"
    When the key counter of "drift" expires from Redis
    And the admin deletes one key of "drift" on node 2
    And 3 keys are created for "drift" at once, spread over nodes 1, 2 and 3
    Then exactly 1 creation succeeded, the others failed with status 400 and id "plugin.api-keys.too_many_keys"
    And "drift" has 5 keys, asked on node 1

  Scenario: a key rotated on node 1: the old secret is refused on nodes 2 and 3 right after its grace
    Given the admin created a key "rk" on node 1 with:
      """
      { "body": { "name": "rotating", "scopes": ["server:now"] } }
      """
    And "key:rk" calling "server:now" on nodes "1,2,3" succeeds
    When "admin" calls "api-keys/security:rotateApiKey" on node 1 with:
      """
      { "userId": "admin", "_id": "{{id:rk}}", "gracePeriod": 2000 }
      """
    Then the result is remembered as key "rk2"
    And "key:rk" calling "server:now" on nodes "2,3" succeeds
    And "key:rk2" calling "server:now" on nodes "1,2,3" succeeds
    When I wait 2100 ms
    Then "key:rk" calling "server:now" on nodes "1,2,3" fails with status 401 and id "plugin.api-keys.rotated"
    And "key:rk2" calling "server:now" on nodes "2,3" succeeds

  Scenario: a key rotated on node 1 with no grace: the old secret is refused at the very next request on nodes 2 and 3
    Given the admin created a key "rz" on node 1 with:
      """
      { "body": { "name": "rotating-now", "scopes": ["server:now"] } }
      """
    And "key:rz" calling "server:now" on nodes "1,2,3" succeeds
    When "admin" calls "api-keys/security:rotateApiKey" on node 1 with:
      """
      { "userId": "admin", "_id": "{{id:rz}}" }
      """
    Then the result is remembered as key "rz2"
    And "key:rz" calling "server:now" on nodes "2,3" fails with status 401 and id "plugin.api-keys.rotated"
    And "key:rz2" calling "server:now" on nodes "2,3" succeeds

  Scenario: 3 nodes hammering one rate-limited key share one budget
    Given the admin created a key "hammered" on node 1 with:
      """
      { "body": { "name": "hammered", "scopes": ["server:now"], "ratelimits": [{ "limit": 20, "window": "5s" }], "credits": { "remaining": 1000 } } }
      """
    When I wait for the start of a 5000 ms window
    And "key:hammered" calls "server:now" 15 times on each of nodes 1, 2 and 3 at once
    Then at most 21 of them succeeded, the others failed with status 429 and id "plugin.api-keys.rate_limited"
