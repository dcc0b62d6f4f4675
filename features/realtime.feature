Feature: Realtime subscriptions of a key-authenticated client live as long as the key

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    And the admin created a key "k" for "alice"

  Scenario: a subscription survives, then ends when the key is deleted
    When "key:k" subscribes to "shop/orders"
    Then the call succeeds
    When the admin creates a document in "shop/orders"
    Then 1 notification arrived within 3000 ms
    When "alice" calls "auth:logout"
    And the admin creates a document in "shop/orders"
    Then 2 notifications arrived within 3000 ms
    When "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    And the admin creates a document in "shop/orders"
    Then 2 notifications arrived within 1000 ms
