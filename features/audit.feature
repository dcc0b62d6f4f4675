Feature: An audit trail of key management

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"
    And a user "bob" with roles "apikeys-self"
    And the admin created a key "k" for "alice" with:
      """
      { "body": { "name": "k", "scopes": ["server:now", "api-keys/auth:*"] } }
      """

  Scenario: every action appends an event, with who, from where, and which fields; never a secret
    When "admin" calls "api-keys/security:updateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "body": { "description": "d", "scopes": ["server:now"] } }
      """
    And "admin" calls "api-keys/security:rotateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "gracePeriod": 1000 }
      """
    Then the result is remembered as key "k2"
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}", "revocationReason": "leaked" }
      """
    And "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    And "admin" calls "api-keys/security:searchAuditEvents" with:
      """
      { "userId": "{{kuid:alice}}" }
      """
    Then the audit hits are, newest first:
      | action | key | cause |
      | delete | k   |       |
      | revoke | k   |       |
      | rotate | k   |       |
      | update | k   |       |
      | create | k   |       |
    And the result field "total" is "5"
    And the result field "hits.3._source.fields" is "[\"description\",\"scopes\"]"
    And every audit hit has actor "{{kuid:admin}}" and key actor ""
    And no audit hit holds a secret of "k,k2"

  Scenario: cascades: one event per key, with their cause
    When "key:k" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "child" } }
      """
    Then the result is remembered as key "child"
    When "admin" calls "api-keys/security:revokeApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    And "admin" calls "api-keys/security:deleteApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:k}}" }
      """
    And "admin" calls "api-keys/security:searchAuditEvents" with:
      """
      { "userId": "{{kuid:alice}}", "keyId": "{{id:child}}" }
      """
    Then the audit hits are, newest first:
      | action | key   | cause          |
      | delete | child | parent-deleted |
      | revoke | child | parent-revoked |
      | create | child |                |
    And the result field "hits.2._source.actor" is "{\"userId\":\"{{kuid:alice}}\",\"keyId\":\"{{id:k}}\"}"
    When the admin created a key "b1" for "bob"
    And the admin deletes user "bob"
    And "admin" calls "api-keys/security:searchAuditEvents" with:
      """
      { "userId": "{{kuid:bob}}", "body": { "action": "delete" } }
      """
    Then the audit hits are, newest first:
      | action | key | cause        |
      | delete | b1  | user-deleted |

  Scenario: filters and pagination, newest first with the true total
    Given the admin created a key "a1" for "alice"
    And the admin created a key "a2" for "alice"
    When "admin" calls "api-keys/security:searchAuditEvents" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "action": "create" }, "size": 2 }
      """
    Then the result field "total" is "3"
    And the result has 2 hits
    And the audit hits are sorted newest first
    When "admin" calls "api-keys/security:searchAuditEvents" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "action": "create" }, "from": 2, "size": 2 }
      """
    Then the audit hits are, newest first:
      | action | key | cause |
      | create | k   |       |
    When "admin" calls "api-keys/security:searchAuditEvents" with:
      """
      { "actor": "{{kuid:admin}}", "userId": "{{kuid:alice}}", "since": {{now-60000}}, "until": {{now+60000}} }
      """
    Then the result field "total" is "3"
    When "admin" calls "api-keys/security:searchAuditEvents" with:
      """
      { "userId": "{{kuid:alice}}", "until": 1000 }
      """
    Then the result field "total" is "0"
    When "admin" calls "api-keys/security:searchAuditEvents" with:
      """
      { "size": 10001 }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"
    When "admin" calls "api-keys/security:searchAuditEvents" with:
      """
      { "body": { "action": "login" } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_argument"

  Scenario: self-service sees events about its own keys only, whatever userId says
    Given the admin created a key "bk" for "bob"
    When "bob" calls "api-keys/auth:searchAuditEvents" with:
      """
      { "userId": "{{kuid:alice}}" }
      """
    Then the audit hits are, newest first:
      | action | key | cause |
      | create | bk  |       |
    When "alice" calls "api-keys/auth:searchAuditEvents" with:
      """
      { "keyId": "{{id:bk}}" }
      """
    Then the result field "total" is "0"
    When "anonymous" calls "api-keys/auth:searchAuditEvents"
    Then the call fails with status 401 and id "security.rights.unauthorized"

  Scenario: refused escalations are recorded, at most one per key per second, the rest counted
    When "key:k" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "wider", "scopes": ["*:*"] } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:k" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "wider", "scopes": ["*:*"] } }
      """
    And "key:k" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "wider", "scopes": ["*:*"] } }
      """
    And I wait 1100 ms
    And "key:k" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "wider", "scopes": ["*:*"] } }
      """
    And "admin" calls "api-keys/security:searchAuditEvents" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "action": "escalation" } }
      """
    Then the result field "total" is "2"
    And the result field "hits.0._source.suppressed" is "2"
    And the result field "hits.1._source.suppressed" is "0"
    And the result field "hits.0._source.actor" is "{\"userId\":\"{{kuid:alice}}\",\"keyId\":\"{{id:k}}\"}"
