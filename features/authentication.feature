Feature: A plugin key authenticates requests like a Kuzzle token

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"

  Scenario: a key works with sdk.setAPIKey, as its user, with exactly its user's rights
    Given the admin created a key "k" for "alice"
    Then "key:k" is authenticated as "alice"
    When "key:k" calls "document:create" with:
      """
      { "index": "shop", "collection": "orders", "body": { "label": "by-key" }, "refresh": "wait_for" }
      """
    Then the call succeeds
    And the result field "_source.label" is "\"by-key\""
    When the result field "_id" is saved as "doc"
    And "key:k" calls "document:get" with:
      """
      { "index": "shop", "collection": "orders", "_id": "{{var:doc}}" }
      """
    Then the result field "_source.label" is "\"by-key\""
    When "key:k" calls "document:delete" with:
      """
      { "index": "shop", "collection": "orders", "_id": "{{var:doc}}" }
      """
    Then the call succeeds
    When "key:k" calls "security:getUser" with:
      """
      { "_id": "admin" }
      """
    Then the call fails with status 403 and id "security.rights.forbidden"

  Scenario: Authorization Bearer over raw HTTP
    Given the admin created a key "k" for "alice"
    When "key:k" sends "GET" "/_me"
    Then the result field "_id" is "\"{{kuid:alice}}\""

  Scenario: deleting a key rejects it on the very next request
    Given the admin created a key "k" for "alice"
    And "key:k" is authenticated as "alice"
    When "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    And "key:k" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "security.token.invalid"

  Scenario: a forged token is refused
    When "anonymous" calls "auth:getCurrentUser" with:
      """
      { "jwt": "kapikey-eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJfaWQiOiJhZG1pbiIsImlhdCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJlLWZvcmdlZA" }
      """
    Then the call fails with status 401 and id "security.token.invalid"

  Scenario: an expired key is refused from its expiresAt on, not earlier
    Given the admin created a key "k" for "alice" with:
      """
      { "expiresIn": 2500 }
      """
    When I wait until key "k" has 700 ms left
    Then "key:k" is authenticated as "alice"
    When I wait until key "k" has expired
    # (a WebSocket client is also told by Kuzzle that its credential expired, and the SDK drops it:
    # the secret is sent explicitly so that the server's answer is what is checked)
    And the secret of key "k" is sent 1 times to "auth:getCurrentUser"
    Then the call fails with status 401 and id "plugin.api-keys.expired"

  Scenario: a key client cannot mint a credential that outlives the key
    Given the admin created a key "k" for "alice"
    When "key:k" calls "auth:refreshToken"
    Then the call fails with status 403 and id "plugin.api-keys.credential_forbidden"
    When "key:k" calls "auth:createToken"
    Then the call fails with status 403 and id "plugin.api-keys.credential_forbidden"

  Scenario: logout through a key does not end the key, nor the user's login sessions
    Given the admin created a key "k" for "alice"
    And "alice" is authenticated as "alice"
    When "key:k" calls "auth:logout" with:
      """
      { "global": true }
      """
    Then the call succeeds
    And "key:k" is authenticated as "alice"
    And "alice" is authenticated as "alice"

  Scenario: keys keep working after the user's global logout and security:revokeTokens
    Given the admin created a key "k" for "alice"
    And "key:k" is authenticated as "alice"
    When "alice" calls "auth:logout" with:
      """
      { "global": true }
      """
    Then "key:k" is authenticated as "alice"
    When "admin" calls "security:revokeTokens" with:
      """
      { "_id": "{{kuid:alice}}" }
      """
    Then the call succeeds
    And "key:k" is authenticated as "alice"

  Scenario: auth:checkToken reports the stored expiry, and invalid for a deleted key
    Given the admin created a key "k" for "alice" with:
      """
      { "expiresIn": "1h" }
      """
    When "anonymous" calls "auth:checkToken" with:
      """
      { "body": { "token": "{{secret:k}}" } }
      """
    Then the result matches:
      """
      { "valid": true, "kuid": "{{kuid:alice}}" }
      """
    And the result field "expiresAt" is "{{expiresAt:k}}"
    When "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    And "anonymous" calls "auth:checkToken" with:
      """
      { "body": { "token": "{{secret:k}}" } }
      """
    Then the result field "valid" is "false"

  Scenario: a deleted user's keys stop working and are deleted
    Given the admin created a key "k" for "alice"
    And "key:k" is authenticated as "alice"
    When the admin deletes user "alice"
    And "key:k" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "security.token.invalid"
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    Then the call fails with status 404 and id "plugin.api-keys.not_found"

  Scenario: a key whose creation races its user's deletion does not outlive the user, nor go to a user re-created with the same id
    Given the next write to the plugin storage hangs
    When "admin" starts calling "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "racing" } }
      """
    And I wait 300 ms
    And the admin deletes user "alice"
    And I wait 1500 ms
    And the plugin storage recovers
    And the pending call ends
    Then the call fails with status 404 and id "plugin.api-keys.not_found"
    When the admin creates user "alice" again, with roles "apikeys-self,apikeys-data"
    And "admin" calls "api-keys/security:searchApiKeys" with:
      """
      { "userId": "{{kuid:alice}}", "body": {} }
      """
    Then the result field "total" is "0"

  Scenario: a user deleted and re-created at once keeps the keys made after the re-creation
    Given the admin created a key "before" for "alice"
    When the admin deletes user "alice"
    And the admin creates user "alice" again, with roles "apikeys-self,apikeys-data"
    And the admin created a key "after" for "alice"
    And I wait 2500 ms
    Then "key:after" is authenticated as "alice"
    When "key:before" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "security.token.invalid"

  Scenario: a user deletion that storage refuses is retried: the keys do not wait in storage for a re-created user
    Given the admin created a key "k" for "alice"
    When the plugin storage fails
    And the admin deletes user "alice"
    And "key:k" calls "auth:getCurrentUser"
    Then the call fails with status 503 and id "plugin.api-keys.storage_unavailable"
    # past the deletion hook's own run (1 s later), which fails too
    When I wait 1500 ms
    And the plugin storage recovers
    And I wait 4000 ms
    And the admin creates user "alice" again, with roles "apikeys-self,apikeys-data"
    And "key:k" calls "auth:getCurrentUser"
    Then the call fails with status 401 and id "security.token.invalid"
    When "admin" calls "api-keys/security:searchApiKeys" with:
      """
      { "userId": "{{kuid:alice}}", "body": {} }
      """
    Then the result field "total" is "0"

  Scenario: security:replaceUser keeps the user's keys working (Kuzzle gives the replaced user a new creation date)
    Given the admin created a key "k" for "alice"
    When I wait 2500 ms
    And "admin" calls "security:replaceUser" with:
      """
      { "_id": "{{kuid:alice}}", "body": { "profileIds": ["apikeys-test-apikeys-self-apikeys-data"] }, "refresh": "wait_for" }
      """
    Then the call succeeds
    And "key:k" is authenticated as "alice"

  Scenario: 50 concurrent creations give 50 distinct secrets, each authenticating as its user
    When "admin" creates 50 keys concurrently for "alice"
    Then the 50 secrets are distinct
    And each of the 50 keys authenticates as "alice"

  Scenario: 200 keys of one user created concurrently each authenticate; deleting one leaves its siblings working
    When "admin" creates 200 keys concurrently for "alice"
    Then the 200 secrets are distinct
    When "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:burst-7}}" }
      """
    Then every burst key of 200 but number 7 authenticates as "alice", and that one is refused

  Scenario: a login token still works unchanged
    Then "alice" is authenticated as "alice"
