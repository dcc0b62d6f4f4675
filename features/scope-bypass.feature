Feature: Scopes cannot be bypassed with spoofed arguments

  Kuzzle accepts extra arguments on every action (any WebSocket field, any query-string parameter), and most actions
  never read `index` or `collection`. Scopes narrowed to an index only ever match the resources Kuzzle itself reads
  for the action called.

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"

  Scenario: *:*@shop on an admin key: resource-less actions are refused whatever index is claimed
    Given the admin created a key "shopall" for "admin" with:
      """
      { "body": { "name": "shopall", "scopes": ["*:*@shop"] } }
      """
    When "key:shopall" calls "security:createUser" with:
      """
      { "_id": "{{unique:spoofed}}", "index": "shop", "collection": "orders",
        "body": { "content": { "profileIds": ["admin"] }, "credentials": { "local": { "username": "spoofed-admin", "password": "pw" } } } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    And the local user "spoofed-admin" does not exist
    When "key:shopall" sends "POST" "/users/spoofed-admin-http/_create?index=shop&collection=orders" with body:
      """
      { "content": { "profileIds": ["admin"] }, "credentials": { "local": { "username": "spoofed-admin-http", "password": "pw" } } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    And the local user "spoofed-admin-http" does not exist
    When "key:shopall" calls each of these actions with "index" = "shop", each is refused with 403 "plugin.api-keys.scope_denied"
      | server:info                          |
      | server:now                           |
      | index:list                           |
      | index:stats                          |
      | realtime:list                        |
      | collection:searchSpecifications      |
      | memoryStorage:keys                   |
      | ms:get                               |
      | security:searchUsers                 |
      | admin:dump                           |
      | auth:getMyCredentials                |
      | api-keys/security:searchApiKeys      |
    When "key:shopall" sends "GET" "/_serverInfo?index=shop&collection=orders"
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:shopall" sends "GET" "/ms/_keys/*?index=shop"
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    # positive controls: index-bound actions on shop stay allowed
    When "key:shopall" calls "document:create" with:
      """
      { "index": "shop", "collection": "orders", "body": { "label": "ok" } }
      """
    Then the call succeeds
    When "key:shopall" calls "index:exists" with:
      """
      { "index": "shop" }
      """
    Then the call succeeds
    When "key:shopall" sends "POST" "/shop/orders/_count?index=other" with body:
      """
      {}
      """
    Then the call succeeds

  Scenario: *:*@shop/orders cannot reach index-level actions through a collection argument
    Given the admin created a key "orders" for "admin" with:
      """
      { "body": { "name": "orders", "scopes": ["*:*@shop/orders"] } }
      """
    When "key:orders" calls "index:delete" with:
      """
      { "index": "shop", "collection": "orders" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:orders" sends "DELETE" "/shop?collection=orders"
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:orders" calls "index:mDelete" with:
      """
      { "index": "shop", "collection": "orders", "body": { "indexes": ["shop"] } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:orders" calls "collection:list" with:
      """
      { "index": "shop", "collection": "orders" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    And the index "shop" still exists
    When "key:orders" calls "collection:exists" with:
      """
      { "index": "shop", "collection": "orders" }
      """
    Then the call succeeds
    When "key:orders" calls "document:count" with:
      """
      { "index": "shop", "collection": "orders", "body": {} }
      """
    Then the call succeeds

  Scenario: document:*@shop: searches are checked on targets, and scroll ids only from the key's own searches
    Given the admin created a key "docs" for "alice" with:
      """
      { "body": { "name": "docs", "scopes": ["document:*@shop"] } }
      """
    When "key:docs" calls "document:search" with:
      """
      { "targets": [{ "index": "other", "collections": ["stuff"] }], "body": {} }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:docs" calls "document:search" with:
      """
      { "index": "other", "collection": "stuff", "body": {} }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:docs" calls "document:search" with:
      """
      { "index": "shop", "collection": "orders", "scroll": "10s", "size": 1, "body": {} }
      """
    Then the call succeeds
    And the result field "scrollId" is saved as "ownScroll"
    When "key:docs" calls "document:scroll" with:
      """
      { "scrollId": "{{var:ownScroll}}", "scroll": "10s" }
      """
    Then the call succeeds
    When "admin" calls "document:search" with:
      """
      { "index": "other", "collection": "stuff", "scroll": "10s", "size": 1, "body": {} }
      """
    Then the call succeeds
    And the result field "scrollId" is saved as "adminScroll"
    When "key:docs" calls "document:scroll" with:
      """
      { "scrollId": "{{var:adminScroll}}", "index": "shop", "collection": "orders" }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"

  Scenario: realtime:*@shop/orders cannot join nor count another collection's room; unsubscribe works
    Given the admin created a key "rt" for "alice" with:
      """
      { "body": { "name": "rt", "scopes": ["realtime:*@shop/orders"] } }
      """
    When "admin" subscribes over WebSocket to "shop/products"
    Then the call succeeds
    When "key:rt" calls "realtime:join" over WebSocket with the room of "admin", and "index" = "shop", "collection" = "orders"
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    And the room of "admin" has 1 subscriber
    When "key:rt" calls "realtime:count" with the room of "admin"
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:rt" calls "realtime:publish" with:
      """
      { "index": "shop", "collection": "products", "body": { "label": "x" } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:rt" subscribes over WebSocket to "shop/orders"
    Then the call succeeds
    When "key:rt" calls "realtime:count" with the room of "key:rt"
    Then the call succeeds
    When "key:rt" unsubscribes from its room
    Then the call succeeds

  Scenario Outline: credential actions are refused to every key, and the password is unchanged (scopes <scopes>)
    Given the admin created a key "cred" for "alice" with:
      """
      { "body": { "name": "cred", "scopes": <scopes> } }
      """
    When "key:cred" calls "auth:updateMyCredentials" with:
      """
      { "strategy": "local", "body": { "password": "taken-over" } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.credential_forbidden"
    When "key:cred" calls "auth:createMyCredentials" with:
      """
      { "strategy": "local", "body": { "username": "x", "password": "taken-over" } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.credential_forbidden"
    When "key:cred" calls "auth:createToken"
    Then the call fails with status 403 and id "plugin.api-keys.credential_forbidden"
    When "key:cred" calls "auth:refreshToken"
    Then the call fails with status 403 and id "plugin.api-keys.credential_forbidden"
    And "alice" can still log in with her password
    When "key:cred" calls "auth:checkRights" with:
      """
      { "body": { "controller": "auth", "action": "updateMyCredentials" } }
      """
    Then the result field "allowed" is "false"

    Examples:
      | scopes      |
      | ["auth:*"]  |
      | ["*:*"]     |
      | null        |

  Scenario: persistent-privilege actions need a literal scope; null scopes keep them
    Given the admin created a key "secwild" for "admin" with:
      """
      { "body": { "name": "secwild", "scopes": ["security:*", "auth:*", "api-keys/auth:*"] } }
      """
    And the admin created a key "secliteral" for "admin" with:
      """
      { "body": { "name": "secliteral", "scopes": ["security:createUser"] } }
      """
    And the admin created a key "unrestricted" for "admin" with:
      """
      { "body": { "name": "unrestricted", "scopes": null } }
      """
    When "key:secwild" calls "security:createUser" with:
      """
      { "_id": "{{unique:viawild}}", "body": { "content": { "profileIds": ["default"] } } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:secwild" calls "security:createRole" with:
      """
      { "_id": "{{unique:role}}", "body": { "controllers": { "*": { "actions": { "*": true } } } } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:secwild" calls "security:getUser" with:
      """
      { "_id": "admin" }
      """
    Then the call succeeds
    When "key:secwild" calls "auth:checkRights" with:
      """
      { "body": { "controller": "security", "action": "createUser" } }
      """
    Then the result field "allowed" is "false"
    When "key:secwild" calls "auth:getMyRights"
    Then the rights report "security:createUser" as denied
    When "key:secliteral" calls "security:createUser" with:
      """
      { "_id": "{{unique:literal}}", "body": { "content": { "profileIds": ["default"] } } }
      """
    Then the call succeeds
    And the created user is deleted afterwards
    When "key:unrestricted" calls "security:createUser" with:
      """
      { "_id": "{{unique:unrestricted}}", "body": { "content": { "profileIds": ["default"] } } }
      """
    Then the call succeeds
    And the created user is deleted afterwards
    # a key cannot hand a persistent privilege to a child unless it holds it literally
    When "key:secwild" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "child", "scopes": ["security:createUser"] } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"

  Scenario: getMyRights never reports a resource-less action as allowed on an index
    Given the admin created a key "narrow" for "admin" with:
      """
      { "body": { "name": "narrow", "scopes": ["*:*@shop"] } }
      """
    When "key:narrow" calls "auth:getMyRights"
    Then no allowed right names "security", "server", "ms", "admin" or "index:list"
    When "key:narrow" calls "auth:checkRights" with:
      """
      { "body": { "controller": "security", "action": "createUser", "index": "shop" } }
      """
    Then the result field "allowed" is "false"
    When "key:narrow" calls "auth:checkRights" with:
      """
      { "body": { "controller": "document", "action": "create", "index": "shop", "collection": "orders" } }
      """
    Then the result field "allowed" is "true"

  Scenario: scopes naming an index on a controller that never touches one are refused at creation
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "bad", "scopes": ["server:*@shop"] } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_scope"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "bad", "scopes": ["document:*@Shop"] } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_scope"
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "ok", "scopes": ["document:*@_private/a@b"] } }
      """
    Then the call succeeds

  Scenario: bad input never looks like a storage failure
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}{{unique:x}}" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "a/b" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"

  Scenario: every native controller:action Kuzzle exposes is classified by the resource table
    When "admin" calls "server:publicApi"
    Then every native action of the result is classified by the resource table

  @stack-only
  Scenario: an internal session sent by a client is refused
    Given the admin created a key "s" for "alice" with:
      """
      { "body": { "name": "s", "scopes": ["server:now"] } }
      """
    When "key:s" calls "server:now"
    Then the call succeeds
    When the internal session of key "s" is sent as a token to "server:now"
    Then the call fails with status 401 and id "security.token.invalid"
    When the internal session of key "s" is checked with auth:checkToken
    Then the result field "valid" is "false"

  Scenario: requests that reuse one request id never lose their key (a finished one cannot unbind another)
    Given the admin created a key "creator" for "alice" with:
      """
      { "body": { "name": "creator", "scopes": ["api-keys/auth:createApiKey", "api-keys/auth:updateApiKey"] } }
      """
    When "key:creator" sends 20 rounds of a createApiKey beyond its scopes racing a refused server:info under one request id
    Then every createApiKey was refused with 403 "plugin.api-keys.escalation"
    When "key:creator" sends 20 rounds of an updateApiKey of itself to null scopes racing a refused server:info under one request id
    Then every updateApiKey was refused with 403 "plugin.api-keys.escalation"

  Scenario: admin:resetSecurity and the debugger need a literal scope
    Given the admin created a key "everything" for "admin" with:
      """
      { "body": { "name": "everything", "scopes": ["*:*"] } }
      """
    When "key:everything" calls "admin:resetSecurity"
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:everything" calls "auth:checkRights" with:
      """
      { "body": { "controller": "admin", "action": "resetSecurity" } }
      """
    Then the result field "allowed" is "false"
    When "key:everything" calls "debug:post" with:
      """
      { "body": { "method": "Runtime.evaluate", "params": { "expression": "1" } } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
