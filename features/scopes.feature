Feature: Scopes are enforced on every request a key authenticates

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    And the admin created a key "orders" for "alice" with:
      """
      { "body": { "name": "orders", "scopes": ["document:search@shop/orders", "document:get@shop/orders"] } }
      """

  Scenario: a key scoped to document:search@shop/orders can search there, and nothing else
    When "key:orders" calls "document:search" with:
      """
      { "index": "shop", "collection": "orders", "body": {} }
      """
    Then the call succeeds
    When "key:orders" calls "document:create" with:
      """
      { "index": "shop", "collection": "orders", "body": { "label": "x" } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    And the error message contains "document:create"
    When "key:orders" calls "document:search" with:
      """
      { "index": "shop", "collection": "products", "body": {} }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    And the error message contains "shop/products"
    When "key:orders" calls "document:search" with:
      """
      { "targets": [{ "index": "shop", "collections": ["orders", "products"] }], "body": {} }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:orders" calls "document:search" with:
      """
      { "targets": [{ "index": "shop", "collections": ["orders"] }], "body": {} }
      """
    Then the call succeeds
    When "key:orders" calls "memoryStorage:get" with:
      """
      { "_id": "anything" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"

  Scenario: always-allowed actions, and rights intersected with the scopes
    When "key:orders" calls "auth:getCurrentUser"
    Then the call succeeds
    When "key:orders" calls "server:publicApi"
    Then the call succeeds
    When "key:orders" calls "auth:checkRights" with:
      """
      { "body": { "controller": "document", "action": "create", "index": "shop", "collection": "orders" } }
      """
    Then the result field "allowed" is "false"
    When "key:orders" calls "auth:checkRights" with:
      """
      { "body": { "controller": "document", "action": "search", "index": "shop", "collection": "orders" } }
      """
    Then the result field "allowed" is "true"
    When "key:orders" calls "auth:getMyRights"
    Then the call succeeds
    And the result hits with "controller" = "document" are:
      """
      [
        { "controller": "document", "action": "search", "index": "shop", "collection": "orders", "value": "allowed" },
        { "controller": "document", "action": "get", "index": "shop", "collection": "orders", "value": "allowed" }
      ]
      """

  Scenario: a key never exceeds its user's rights
    Given the admin created a key "wide" for "alice" with:
      """
      { "body": { "name": "wide", "scopes": ["*:*"] } }
      """
    When "key:wide" calls "security:getUser" with:
      """
      { "_id": "admin" }
      """
    Then the call fails with status 403 and id "security.rights.forbidden"

  Scenario: updating scopes applies on the next request
    When "key:orders" calls "document:search" with:
      """
      { "index": "shop", "collection": "orders", "body": {} }
      """
    Then the call succeeds
    When "admin" calls "api-keys/security:updateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:orders}}", "body": { "scopes": ["document:search@other"] } }
      """
    Then the result field "_source.scopes" is "[\"document:search@other\"]"
    When "key:orders" calls "document:search" with:
      """
      { "index": "shop", "collection": "orders", "body": {} }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:orders" calls "document:search" with:
      """
      { "index": "other", "collection": "stuff", "body": {} }
      """
    Then the call succeeds

  Scenario: a scoped key cannot mint a broader or longer-lived key; its child inherits and dies with it
    Given the admin created a key "parent" for "alice" with:
      """
      { "body": { "name": "parent", "scopes": ["document:*@shop", "api-keys/auth:*"] }, "expiresIn": "1h" }
      """
    When "key:parent" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "broader", "scopes": ["document:*"] }, "expiresIn": "10m" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:parent" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "longer" }, "expiresIn": "2h" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:parent" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "never" } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:parent" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "child" }, "expiresIn": "10m" }
      """
    Then the result matches:
      """
      { "_source": { "scopes": ["document:*@shop", "api-keys/auth:*"], "parentKeyId": "{{id:parent}}" } }
      """
    When the result is remembered as key "child"
    Then "key:child" is authenticated as "alice"
    When "key:child" calls "api-keys/auth:updateApiKey" with:
      """
      { "_id": "{{id:child}}", "body": { "scopes": ["*:*"] } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:parent}}", "revocationReason": "leaked" }
      """
    And "key:child" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "plugin.api-keys.revoked"
