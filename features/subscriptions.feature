Feature: Subscriptions follow the key that made them, whatever the socket did since

  Each subscriber is a WebSocket (in both profiles: realtime needs one); every other call uses the profile's protocol.

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    And the admin created a key "k" for "alice" with:
      """
      { "body": { "name": "k", "scopes": ["realtime:*@shop", "auth:*"] }, "expiresIn": "1h" }
      """
    And the admin created a key "other" for "alice" with:
      """
      { "body": { "name": "other", "scopes": ["realtime:*@shop", "server:now"] } }
      """

  Scenario Outline: after <socket>, a subscription made through a key still ends when the key is <ending>
    When "key:k" subscribes on socket "s" to "shop/orders"
    And the admin creates a document in "shop/orders"
    Then the subscription "s shop/orders" got 1 notification within 3000 ms
    When <socket step>
    And the admin creates a document in "shop/orders"
    Then the subscription "s shop/orders" got 2 notifications within 3000 ms
    When key "k" is <ending>
    And the admin creates a document in "shop/orders"
    Then the subscription "s shop/orders" got 2 notifications within 1500 ms

    Examples:
      | socket                        | socket step                                             | ending                     |
      | a logout through the key      | "key:k" sends "auth:logout" on socket "s"               | revoked                    |
      | a logout through the key      | "key:k" sends "auth:logout" on socket "s"               | deleted                    |
      | a logout through the key      | "key:k" sends "auth:logout" on socket "s"               | narrowed to shop/products  |
      | another key on the socket     | "key:other" sends "server:now" on socket "s"            | revoked                    |
      | another key on the socket     | "key:other" sends "server:now" on socket "s"            | deleted with its user      |
      | another key on the socket     | "key:other" sends "server:now" on socket "s"            | narrowed to shop/products  |

  Scenario: other credentials' subscriptions on the socket keep working when the key ends
    When "key:k" subscribes on socket "s" to "shop/orders"
    And "key:other" subscribes on socket "s" to "shop/products"
    And the admin creates a document in "shop/orders"
    And the admin creates a document in "shop/products"
    Then the subscription "s shop/orders" got 1 notification within 3000 ms
    And the subscription "s shop/products" got 1 notification within 3000 ms
    When key "k" is revoked
    And the admin creates a document in "shop/orders"
    And the admin creates a document in "shop/products"
    Then the subscription "s shop/products" got 2 notifications within 3000 ms
    And the subscription "s shop/orders" got 1 notification within 1000 ms

  Scenario: the reverse: ending another key leaves this key's subscriptions alone
    When "key:k" subscribes on socket "s" to "shop/orders"
    And "key:other" sends "server:now" on socket "s"
    When key "other" is revoked
    And the admin creates a document in "shop/orders"
    Then the subscription "s shop/orders" got 1 notification within 3000 ms

  Scenario: a subscription ends at the key's expiry, even after a logout
    Given the admin created a key "short" for "alice" with:
      """
      { "body": { "name": "short", "scopes": ["realtime:*@shop", "auth:*"] }, "expiresIn": 2500 }
      """
    When "key:short" subscribes on socket "t" to "shop/orders"
    And "key:short" sends "auth:logout" on socket "t"
    And the admin creates a document in "shop/orders"
    Then the subscription "t shop/orders" got 1 notification within 3000 ms
    When I wait until key "short" has expired
    And I wait 300 ms
    And the admin creates a document in "shop/orders"
    Then the subscription "t shop/orders" got 1 notification within 1500 ms

  Scenario: a socket that only ever carried the key gets Kuzzle's TokenExpired when the key is revoked
    When "key:k" subscribes on socket "s" to "shop/orders"
    And key "k" is revoked
    Then socket "s" received a TokenExpired notification within 2000 ms

  Scenario: a user's own login subscriptions still end with the user, after a key of theirs spoke on the socket
    When "alice" subscribes on socket "u" to "shop/orders"
    And "key:other" sends "server:now" on socket "u"
    And the admin creates a document in "shop/orders"
    Then the subscription "u shop/orders" got 1 notification within 3000 ms
    When the admin deletes user "alice"
    And the admin creates a document in "shop/orders"
    Then the subscription "u shop/orders" got 1 notification within 1500 ms
