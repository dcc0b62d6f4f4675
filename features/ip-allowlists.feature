Feature: Per-key IP allowlists, with X-Forwarded-For trusted only from the configured proxies

  The stack trusts one proxy, 127.0.0.2 (trustedProxies). Clients come from other loopback addresses.

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    And the admin created a key "office" for "alice" with:
      """
      { "body": { "name": "office", "scopes": ["server:now", "api-keys/auth:*"], "allowedIps": ["127.0.0.3", "203.0.113.0/24", "2001:db8::/32"] } }
      """

  Scenario: a listed peer is served, another one gets 403 ip_denied
    When "key:office" calls "server:now" from "127.0.0.3"
    Then the call succeeds
    When "key:office" calls "server:now" from "127.0.0.4"
    Then the call fails with status 403 and id "plugin.api-keys.ip_denied"
    And the error message contains "127.0.0.4"

  Scenario: a forged X-Forwarded-For from an untrusted peer is ignored
    When "key:office" calls "server:now" from "127.0.0.4" with X-Forwarded-For "203.0.113.9"
    Then the call fails with status 403 and id "plugin.api-keys.ip_denied"
    When "key:office" calls "server:now" from "127.0.0.3" with X-Forwarded-For "198.51.100.1"
    Then the call succeeds

  Scenario: through the trusted proxy, the first untrusted address from the right is the client
    When "key:office" calls "server:now" from "127.0.0.2" with X-Forwarded-For "203.0.113.9"
    Then the call succeeds
    When "key:office" calls "server:now" from "127.0.0.2" with X-Forwarded-For "198.51.100.1"
    Then the call fails with status 403 and id "plugin.api-keys.ip_denied"
    # a client cannot put a listed address left of its own: the walk stops at the first untrusted one
    When "key:office" calls "server:now" from "127.0.0.2" with X-Forwarded-For "203.0.113.9, 198.51.100.1"
    Then the call fails with status 403 and id "plugin.api-keys.ip_denied"
    When "key:office" calls "server:now" from "127.0.0.2" with X-Forwarded-For "garbage"
    Then the call fails with status 403 and id "plugin.api-keys.ip_denied"

  Scenario: IPv6 and IPv4-mapped IPv6 client addresses
    When "key:office" calls "server:now" from "127.0.0.2" with X-Forwarded-For "2001:db8:5::1"
    Then the call succeeds
    When "key:office" calls "server:now" from "127.0.0.2" with X-Forwarded-For "2001:db9::1"
    Then the call fails with status 403 and id "plugin.api-keys.ip_denied"
    When "key:office" calls "server:now" from "127.0.0.2" with X-Forwarded-For "::ffff:203.0.113.77"
    Then the call succeeds

  Scenario: verifyApiKey answers IP_DENIED for an ip outside the list, after the other codes
    When "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:office}}", "ip": "198.51.100.1" } }
      """
    Then the result field "code" is "\"IP_DENIED\""
    When "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:office}}", "ip": "::ffff:203.0.113.1" } }
      """
    Then the result field "code" is "\"VALID\""
    When "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:office}}", "ip": "not-an-ip" } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:office}}" }
      """
    And "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:office}}", "ip": "198.51.100.1" } }
      """
    Then the result field "code" is "\"REVOKED\""

  Scenario: malformed entries are 400; a child stays within its parent's list, inherited when absent
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "bad", "allowedIps": ["10.0.0.0/33"] } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" calls "api-keys/security:updateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:office}}", "body": { "allowedIps": ["office.example.com"] } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "key:office" creates a child from "127.0.0.3" with:
      """
      { "body": { "name": "inherits" } }
      """
    Then the call succeeds
    When "admin" calls "api-keys/security:searchApiKeys" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "query": { "term": { "parentKeyId": "{{id:office}}" } } } }
      """
    Then the result field "hits.0._source.allowedIps" is "[\"127.0.0.3\",\"203.0.113.0/24\",\"2001:db8::/32\"]"
    When "key:office" creates a child from "127.0.0.3" with:
      """
      { "body": { "name": "wider", "allowedIps": ["127.0.0.0/8"] } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:office" creates a child from "127.0.0.3" with:
      """
      { "body": { "name": "narrower", "allowedIps": ["203.0.113.0/25"] } }
      """
    Then the call succeeds
    And the result field "_source.allowedIps" is "[\"203.0.113.0/25\"]"

  Scenario: a narrowed allowlist applies at the next request
    When "key:office" calls "server:now" from "127.0.0.3"
    Then the call succeeds
    When "admin" calls "api-keys/security:updateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:office}}", "body": { "allowedIps": ["127.0.0.5"] } }
      """
    Then the call succeeds
    When "key:office" calls "server:now" from "127.0.0.3"
    Then the call fails with status 403 and id "plugin.api-keys.ip_denied"
    When "key:office" calls "server:now" from "127.0.0.5"
    Then the call succeeds

  Scenario: a subscription ends when the key's allowlist no longer lists its client address
    Given the admin created a key "watcher" for "alice" with:
      """
      { "body": { "name": "watcher", "scopes": ["realtime:*@shop"], "allowedIps": ["127.0.0.3", "127.0.0.4"] } }
      """
    When "key:watcher" subscribes to "shop/orders" from "127.0.0.3"
    And "key:watcher" subscribes to "shop/orders" from "127.0.0.4"
    And the admin creates a document in "shop/orders"
    Then the subscription "127.0.0.3 shop/orders" got 1 notification within 3000 ms
    And the subscription "127.0.0.4 shop/orders" got 1 notification within 3000 ms
    When "admin" calls "api-keys/security:updateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:watcher}}", "body": { "allowedIps": ["127.0.0.4"] } }
      """
    Then the call succeeds
    When the admin creates a document in "shop/orders"
    Then the subscription "127.0.0.4 shop/orders" got 2 notifications within 3000 ms
    And the subscription "127.0.0.3 shop/orders" got 1 notification within 1000 ms
