Feature: Per-key rate limits and usage credits that children can never multiply

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"

  Scenario: 5 requests per second, from a window boundary: exactly 5 accepted, then 429 with retryAfter
    Given the admin created a key "rl" for "alice" with:
      """
      { "body": { "name": "rl", "scopes": ["server:now"], "ratelimits": [{ "limit": 5, "window": "1s" }, { "limit": 1000, "window": "1h" }] } }
      """
    When I wait for the start of a 1000 ms window
    And "key:rl" calls "server:now" 8 times
    Then 5 succeeded and the others failed with status 429 and id "plugin.api-keys.rate_limited"
    And every refusal message gives retryAfter
    When "key:rl" sends "GET" "/_now"
    Then the call fails with status 429 and id "plugin.api-keys.rate_limited"
    And the HTTP response has a Retry-After header of 1 second
    When I wait for the start of a 1000 ms window
    And "key:rl" calls "server:now"
    Then the call succeeds
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:rl}}" }
      """
    Then the result field "_source.ratelimits" is "[{\"limit\":5,\"window\":1000},{\"limit\":1000,\"window\":3600000}]"

  Scenario: 3 credits give 3 successes, then 429; refused requests (scope, rate limit) use none
    Given the admin created a key "cr" for "alice" with:
      """
      { "body": { "name": "cr", "scopes": ["server:now"], "credits": { "remaining": 3 }, "ratelimits": [{ "limit": 2, "window": "1h" }] } }
      """
    When "key:cr" calls "server:info"
    Then the call fails with status 403 and id "plugin.api-keys.scope_denied"
    When "key:cr" calls "server:now" 3 times
    Then 2 succeeded and the others failed with status 429 and id "plugin.api-keys.rate_limited"
    When "admin" calls "api-keys/security:updateApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:cr}}", "body": { "ratelimits": null } }
      """
    And "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:cr}}" }
      """
    Then the result field "_source.credits" is "{\"remaining\":1,\"refill\":null}"
    When "key:cr" calls "server:now" 2 times
    Then 1 succeeded and the others failed with status 429 and id "plugin.api-keys.usage_exceeded"
    When "admin" calls "api-keys/security:verifyApiKey" with:
      """
      { "body": { "token": "{{secret:cr}}" } }
      """
    Then the result field "code" is "\"USAGE_EXCEEDED\""
    And the result field "key._source.credits.remaining" is "0"
    When "key:cr" calls "auth:checkToken" with:
      """
      { "body": { "token": "{{secret:cr}}" } }
      """
    Then the call succeeds

  Scenario: a refill with a 2 s interval sets remaining back to its amount
    Given the admin created a key "rf" for "alice" with:
      """
      { "body": { "name": "rf", "scopes": ["server:now"], "credits": { "remaining": 1, "refill": { "amount": 2, "interval": 2000 } } } }
      """
    When "key:rf" calls "server:now" 2 times
    Then 1 succeeded and the others failed with status 429 and id "plugin.api-keys.usage_exceeded"
    When I wait 2100 ms
    And "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:rf}}" }
      """
    Then the result field "_source.credits" is "{\"remaining\":2,\"refill\":{\"amount\":2,\"interval\":2000}}"
    When "key:rf" calls "server:now" 3 times
    Then 2 succeeded and the others failed with status 429 and id "plugin.api-keys.usage_exceeded"

  Scenario: a child's requests use its parent's budget; a child above its parent is refused; keys never raise credits
    Given the admin created a key "p" for "alice" with:
      """
      { "body": { "name": "p", "scopes": ["server:now", "api-keys/auth:*"], "credits": { "remaining": 10 }, "ratelimits": [{ "limit": 100, "window": "1h" }] } }
      """
    When "key:p" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "big", "ratelimits": [{ "limit": 101, "window": "1h" }] } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:p" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "rich", "credits": { "remaining": 50 } } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:p" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "child", "scopes": ["server:now"], "credits": { "remaining": 2 } } }
      """
    Then the result is remembered as key "child"
    When "key:child" calls "server:now" 3 times
    Then 2 succeeded and the others failed with status 429 and id "plugin.api-keys.usage_exceeded"
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "_id": "{{id:p}}" }
      """
    # each request through p used one of its credits, refused creations included (they passed the counting point),
    # and each success of the child one more
    Then the result field "_source.credits.remaining" is "5"
    When "key:p" calls "api-keys/auth:updateApiKey" with:
      """
      { "_id": "{{id:p}}", "body": { "credits": { "remaining": 100 } } }
      """
    Then the call fails with status 403 and id "plugin.api-keys.escalation"
    When "key:p" calls "api-keys/auth:updateApiKey" with:
      """
      { "_id": "{{id:p}}", "body": { "credits": { "remaining": 2 } } }
      """
    Then the call succeeds
    And the result field "_source.credits.remaining" is "2"
    When "key:p" calls "server:now" 5 times
    Then 2 succeeded and the others failed with status 429 and id "plugin.api-keys.usage_exceeded"

  @stack-only
  Scenario: credits survive a Redis flush and a Kuzzle restart, within one flush interval
    Given the admin created a key "dur" for "alice" with:
      """
      { "body": { "name": "dur", "scopes": ["server:now"], "credits": { "remaining": 5 } } }
      """
    When "key:dur" calls "server:now" 3 times
    Then 3 succeeded and the others failed with status 429 and id "plugin.api-keys.usage_exceeded"
    When I wait 1500 ms
    And Redis is flushed
    And Kuzzle restarts
    And "key:dur" calls "server:now" 3 times
    Then 2 succeeded and the others failed with status 429 and id "plugin.api-keys.usage_exceeded"

  Scenario: a request Kuzzle's own per-profile limiter refuses after the plugin's checks gets its credit back
    Given a user "busy" with roles "apikeys-self,apikeys-data" and a Kuzzle rate limit of 2 requests per second
    And the admin created a key "bk" for "busy" with:
      """
      { "body": { "name": "bk", "scopes": ["server:now"], "credits": { "remaining": 20 } } }
      """
    When "key:bk" calls "server:now" 10 times at once
    Then some were refused by Kuzzle with status 429 and id "api.process.too_many_requests", the others succeeded
    When "admin" calls "api-keys/security:getApiKey" with:
      """
      { "userId": "{{kuid:busy}}", "_id": "{{id:bk}}" }
      """
    Then the result field "_source.credits.remaining" is 20 minus the successes
