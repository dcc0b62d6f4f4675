@stack-only
Feature: Scope enforcement does not depend on the identity of the request object

  Another plugin may re-create the request in a pipe that runs after ours (Kuzzle orders the pipes of an event by the
  end of each plugin's init). A replacement that keeps the jwt and the request id is still a key request.

  Scenario: a plugin re-creating every request after our pipe leaves scopes enforced
    Given Kuzzle runs with the test plugin "request-replacer"
    And a user "alice" with roles "apikeys-self,apikeys-data"
    And the admin created a key "now" for "alice" with:
      """
      { "body": { "name": "now", "scopes": ["server:now"] } }
      """
    When "key:now" calls "server:now"
    Then the call succeeds
    When "key:now" calls "document:create" with:
      """
      { "index": "shop", "collection": "orders", "body": { "label": "x" } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:now" calls "auth:getMyRights"
    Then the call succeeds
    # A replacement that loses the request id carries a session we did not swap in for it: refused. (Raw HTTP in
    # both profiles: over WebSocket, an answer under another request id never reaches the client.)
    When "key:now" sends "GET" "/_now?replacerDropsRequestId=true"
    Then the call fails with status 401 and id "security.token.invalid"
    # positive control: login tokens are not affected
    When "admin" sends "GET" "/_now?replacerDropsRequestId=true"
    Then the call succeeds
