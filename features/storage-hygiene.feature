@stack-only
Feature: The plugin leaves no scroll open in Elasticsearch and refuses dangerous search clauses

  Scenario: revoke, delete and user-deletion cascades open no scroll
    Given a user "carol" with roles "apikeys-self,apikeys-data"
    And the admin created a key "root" for "carol" with:
      """
      { "body": { "name": "root", "scopes": ["api-keys/auth:*", "server:now"] } }
      """
    And "key:root" created 5 children
    And the open scrolls are counted
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:carol}}", "_id": "{{id:root}}" }
      """
    Then the call succeeds
    When "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:carol}}", "_id": "{{id:root}}" }
      """
    Then the call succeeds
    Given the admin created 20 keys for "carol"
    When the admin deletes user "carol"
    Then no scroll was left open since they were counted

  Scenario: a terms lookup or another clause outside the whitelist is a 400
    Given a user "dave" with roles "apikeys-self,apikeys-data"
    When "dave" calls "api-keys/auth:searchApiKeys" with:
      """
      { "body": { "terms": { "userId": { "index": "users", "id": "admin", "path": "profileIds" } } } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "dave" calls "api-keys/auth:searchApiKeys" with:
      """
      { "body": { "bool": { "should": [{ "more_like_this": { "like": "x" } }] } } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "dave" calls "api-keys/auth:searchApiKeys" with:
      """
      { "body": { "bool": { "must": [{ "match": { "name": "x" } }, { "range": { "createdAt": { "gte": 0 } } }] } } }
      """
    Then the call succeeds
