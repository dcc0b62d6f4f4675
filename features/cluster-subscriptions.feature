@cluster @stack-only @cluster-heartbeat-5000 @cluster-cache-ttl-1000 @cluster-check-interval-2000
Feature: Subscriptions follow their key on every node of a real 3-node cluster

  cacheTTL is 1 s here, so that a key idle for longer is no longer cached; subscriptionCheckInterval is 2 s.

  Background:
    Given the cluster has the collection "shop/orders"

  Scenario: a subscription on node 2 ends when its key is revoked on node 1
    Given the admin created a key "k" on node 1 with:
      """
      { "body": { "name": "sub", "scopes": ["realtime:*@shop/orders"] } }
      """
    When "key:k" subscribes on node 2 to "shop/orders"
    And the admin creates a document in "shop/orders" on node 1
    Then the subscriber on node 2 got 1 notification within 3000 ms
    When "admin" calls "api-keys/security:revokeApiKey" on node 1 with:
      """
      { "userId": "admin", "_id": "{{id:k}}" }
      """
    And I wait 500 ms
    And the admin creates a document in "shop/orders" on node 1
    Then the subscriber on node 2 got 1 notification within 1500 ms

  Scenario: a subscription on node 3 of a key idle for longer than the cache TTL ends when its user is deleted on node 1
    Given a user "subscriber" with realtime rights exists on the cluster
    And the admin created a realtime key "idle" for cluster user "subscriber" on node 1
    When "key:idle" subscribes on node 3 to "shop/orders"
    And I wait 2500 ms
    And the admin creates a document in "shop/orders" on node 1
    Then the subscriber on node 3 got 1 notification within 3000 ms
    When the admin deletes cluster user "subscriber" on node 1
    And I wait 500 ms
    And the admin creates a document in "shop/orders" on node 1
    Then the subscriber on node 3 got 1 notification within 1500 ms

  Scenario: a revoke hidden from node 2 by a partition ends node 2's subscription within the check interval
    Given the admin created a key "k" on node 1 with:
      """
      { "body": { "name": "hidden", "scopes": ["realtime:*@shop/orders"] } }
      """
    When "key:k" subscribes on node 2 to "shop/orders"
    And the admin creates a document in "shop/orders" on node 1
    Then the subscriber on node 2 got 1 notification within 3000 ms
    When node 2 is cut off from node 1
    And "admin" calls "api-keys/security:revokeApiKey" on node 1 with:
      """
      { "userId": "admin", "_id": "{{id:k}}" }
      """
    And I wait 2500 ms
    And the partition heals within 5000 ms of its start
    And the admin creates a document in "shop/orders" on node 1
    Then the subscriber on node 2 got 1 notification within 2000 ms
    And no node was evicted since the partition began

  Scenario: a request through the revoked key on the cut-off node does not save its subscription there
    Given the admin created a key "k" on node 1 with:
      """
      { "body": { "name": "reloaded", "scopes": ["realtime:*@shop/orders", "server:now"] } }
      """
    When "key:k" subscribes on node 2 to "shop/orders"
    And the admin creates a document in "shop/orders" on node 1
    Then the subscriber on node 2 got 1 notification within 3000 ms
    When node 2 is cut off from node 1
    And "admin" calls "api-keys/security:revokeApiKey" on node 1 with:
      """
      { "userId": "admin", "_id": "{{id:k}}" }
      """
    Then "key:k" calling "server:now" on nodes "2" fails with status 401 and id "plugin.api-keys.revoked"
    When I wait 2600 ms
    And the admin creates a document in "shop/orders" on node 2
    Then the subscriber on node 2 got 1 notification within 1500 ms
    When the partition heals within 6000 ms of its start
    Then no node was evicted since the partition began
