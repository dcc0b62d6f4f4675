@stack-only
Feature: The internal session is never more than its key

  Background:
    Given a user "bob" with roles "apikeys-self,apikeys-data"

  Scenario: a short key's session ends with it, and at most two sessions exist at any time
    Given the admin created a key "short" for "bob" with:
      """
      { "body": { "name": "short", "scopes": ["server:now"] }, "expiresIn": 2500 }
      """
    When "key:short" calls "server:now" every 50 ms until key "short" has expired, counting the sessions of "bob"
    Then there were at least 1 and at most 2 sessions of "bob" at any time
    When I wait 1000 ms
    Then "bob" has no session left in Redis

  Scenario: with Kuzzle's authToken maxTTL, a never-expiring key keeps working on sessions that live no longer
    When Kuzzle restarts with the Kuzzle configuration:
      """
      { "security.authToken.maxTTL": 5000, "security.authToken.expiresIn": "4s" }
      """
    And the admin created a key "forever" for "bob" with:
      """
      { "body": { "name": "forever", "scopes": ["server:now"] } }
      """
    When "key:forever" calls "server:now" every 200 ms for 15000 ms, watching the sessions of "bob"
    Then every call succeeded and no session of "bob" had more than 5000 ms to live

  Scenario: Kuzzle's logstash access log never shows an internal session nor a secret
    When Kuzzle restarts with the Kuzzle configuration:
      """
      { "server.logs.transports": [{ "preset": "console", "level": "info", "silent": false }], "server.logs.accessLogFormat": "logstash" }
      """
    And the admin created a key "logged" for "bob" with:
      """
      { "body": { "name": "logged", "scopes": ["server:now"] } }
      """
    And the admin created a key "gone" for "bob" with:
      """
      { "body": { "name": "gone", "scopes": ["server:now"] } }
      """
    When "key:logged" calls "server:now"
    Then the call succeeds
    When "key:logged" sends "GET" "/_now"
    Then the call succeeds
    # the secret only in the Authorization header of a POST /_query: Kuzzle copies it into the parsed body it logs
    When "key:logged" sends "POST" "/_query" with body:
      """
      { "controller": "server", "action": "now" }
      """
    Then the call succeeds
    # the same route as Kuzzle's router reads it
    When "key:logged" sends "POST" "/_query/" with body:
      """
      { "controller": "server", "action": "now" }
      """
    Then the call succeeds
    When "key:logged" sends "POST" "//%5Fquery" with body:
      """
      { "controller": "server", "action": "now" }
      """
    Then the call succeeds
    When "key:logged" calls "server:info"
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:logged}}" } }
      """
    Then the call succeeds
    When "admin" calls "auth:checkToken" with:
      """
      { "body": { "token": "{{secret:logged}}" } }
      """
    Then the call succeeds
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:bob}}", "_id": "{{id:gone}}" }
      """
    And "key:gone" calls "server:now"
    Then the call fails with status 401 and id "plugin.api-keys.revoked"
    When the plugin storage fails
    And "key:logged" sends "GET" "/_now"
    And the plugin storage recovers
    # the access log is written by a worker thread
    And I wait 1500 ms
    Then Kuzzle's access log shows the marker of key "logged"
    And Kuzzle's output contains no internal session and no secret of keys "logged, gone"
    # a known residue: Kuzzle refuses `targets` with `index` before any plugin runs, and logs the request as sent
    When "key:logged" sends "POST" "/_query" with body:
      """
      { "controller": "document", "action": "search", "index": "shop", "targets": [{ "index": "shop", "collections": ["orders"] }], "jwt": "{{secret:logged}}" }
      """
    Then the call fails with status 400 and id "api.assert.mutually_exclusive"
    When I wait 1500 ms
    Then Kuzzle's output contains the secret of key "logged"

  Scenario: auth:checkToken in cookie mode answers for the key; a key in the authToken cookie is refused without storage
    Given the admin created a key "c" for "bob" with:
      """
      { "body": { "name": "c", "scopes": ["server:now"] }, "expiresIn": "1h" }
      """
    When "key:c" sends "POST" "/_checkToken?cookieAuth=true" with body:
      """
      {}
      """
    Then the result field "valid" is "true"
    And the result field "expiresAt" is "{{expiresAt:c}}"
    Given the storage counters are reset
    When the secret of key "c" is sent in the authToken cookie to "GET" "/_now"
    Then the call fails with status 401 and id "security.token.invalid"
    And the storage saw no request at all
