Feature: searchApiKeys and scrollApiKeys

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    And a user "bob" with roles "apikeys-self"

  Scenario: pagination with from/size and scroll over 60 keys, with the true total
    Given the admin created 60 keys for "alice"
    And the admin created a key "bobs" for "bob"
    When "admin" pages through the keys of "alice" with size 25
    Then 60 distinct keys were seen with a total of 60
    When "admin" scrolls through the keys of "alice" with size 25
    Then 60 distinct keys were seen with a total of 60
    When "admin" calls "api-keys/security:searchApiKeys" with:
      """
      { "userId": "{{kuid:alice}}", "size": 10001 }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"

  Scenario: search by name, description, with koncorde, and by status; newest first by default
    Given the admin created a key "alpha" for "alice" with:
      """
      { "body": { "name": "alpha deploy", "description": "ci" } }
      """
    And the admin created a key "beta" for "alice" with:
      """
      { "body": { "name": "beta", "description": "deploy bot" } }
      """
    And the admin created a key "gamma" for "alice" with:
      """
      { "body": { "name": "gamma" } }
      """
    And the admin created a key "old" for "alice" with:
      """
      { "body": { "name": "old" }, "expiresIn": 1 }
      """
    When "alice" calls "api-keys/auth:searchApiKeys"
    Then the result hits are keys "old,gamma,beta,alpha"
    And the result total is 4
    And no result hit has the field "token"
    When "alice" calls "api-keys/auth:searchApiKeys" with:
      """
      { "query": "deploy" }
      """
    Then the result total is 2
    When "alice" calls "api-keys/auth:searchApiKeys" with:
      """
      { "body": { "term": { "name.keyword": "gamma" } } }
      """
    Then the result hits are keys "gamma"
    When "alice" calls "api-keys/auth:searchApiKeys" with:
      """
      { "lang": "koncorde", "body": { "equals": { "name.keyword": "beta" } } }
      """
    Then the result hits are keys "beta"
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:beta}}" }
      """
    And "alice" calls "api-keys/auth:searchApiKeys" with:
      """
      { "status": "revoked" }
      """
    Then the result hits are keys "beta"
    When "alice" calls "api-keys/auth:searchApiKeys" with:
      """
      { "status": "expired" }
      """
    Then the result hits are keys "old"
    When "alice" calls "api-keys/auth:searchApiKeys" with:
      """
      { "status": "valid" }
      """
    Then the result hits are keys "gamma,alpha"
    When "alice" calls "api-keys/auth:searchApiKeys" with:
      """
      { "sort": { "name": "asc" } }
      """
    Then the result hits are keys "alpha,beta,gamma,old"
    When "alice" calls "api-keys/auth:searchApiKeys" with:
      """
      { "status": "nope" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "alice" calls "api-keys/auth:searchApiKeys" with:
      """
      { "sort": "claims" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "bob" calls "api-keys/auth:searchApiKeys"
    Then the result total is 0
    When "alice" calls "api-keys/auth:searchApiKeys" with:
      """
      { "size": 3, "scroll": "10s" }
      """
    Then the result has 3 hits
    When the result field "scrollId" is saved as "sid"
    And "bob" calls "api-keys/auth:scrollApiKeys" with:
      """
      { "scrollId": "{{var:sid}}" }
      """
    Then the call fails with status 404 and id "plugin.api-keys.not_found"
    When "alice" calls "api-keys/auth:scrollApiKeys" with:
      """
      { "scrollId": "{{var:sid}}" }
      """
    Then the result has 1 hit
    And the result total is 4

  # Whether a refresh=false key is visible at once depends on when the storage refreshes next (each second, as
  # Elasticsearch does, or at any other caller's refresh): only "searchable after the next refresh" is asserted.
  Scenario: refresh=false is searchable after the next refresh; wait_for is searchable when the call returns
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:bob}}", "body": { "name": "lazy" }, "refresh": "false" }
      """
    Then the call succeeds
    When I wait 1500 ms
    And "bob" calls "api-keys/auth:searchApiKeys"
    Then the result total is 1
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:bob}}", "body": { "name": "eager" }, "refresh": "wait_for" }
      """
    And "bob" calls "api-keys/auth:searchApiKeys"
    Then the result total is 2
