Feature: Junk arguments never crash the plugin nor hang a request

  Scenario: 2,000 random argument sets over the plugin's actions and the native API-key actions
    Given a user "fuzzer" with roles "apikeys-self,apikeys-native,apikeys-admin"
    And the admin created a key "fuzzkey" for "fuzzer" with:
      """
      { "body": { "name": "fuzzkey", "scopes": ["api-keys/auth:*", "api-keys/security:*", "security:*", "auth:*"] } }
      """
    When 2000 random argument sets are sent by "fuzzer" and "key:fuzzkey", 16 at a time
    Then none got a 5xx answer and none took more than 15000 ms
