@stack-only
Feature: configuration is validated at boot and enforced; the npm tarball works as a directory plugin

  Background:
    Given a user "alice" with roles "apikeys-self,apikeys-data"

  Scenario: an unknown key or a wrong type stops Kuzzle at boot with an error naming it
    When Kuzzle is started with the invalid plugin configuration:
      """
      { "maxKeys": 3 }
      """
    Then Kuzzle refused to boot, naming "maxKeys"
    When Kuzzle is started with the invalid plugin configuration:
      """
      { "cacheSize": "big" }
      """
    Then Kuzzle refused to boot, naming "cacheSize"
    When Kuzzle restarts with the plugin configuration:
      """
      { "lastUsedFlushInterval": 1000 }
      """
    Then "alice" is authenticated as "alice"

  Scenario: maxKeysPerUser and maxTTL are enforced
    When Kuzzle restarts with the plugin configuration:
      """
      { "maxKeysPerUser": 2, "maxTTL": 3600000, "lastUsedFlushInterval": 1000 }
      """
    And "alice" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "too long" }, "expiresIn": "2h" }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_expiry"
    When "alice" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "forever" } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.invalid_expiry"
    When "alice" calls "api-keys/auth:createApiKey" with:
      """
      { "body": { "name": "one" }, "expiresIn": "1h" }
      """
    Then the call succeeds
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "two, beyond maxTTL" }, "expiresIn": "30d" }
      """
    Then the call succeeds
    When "admin" calls "api-keys/security:createApiKey" with:
      """
      { "userId": "{{kuid:alice}}", "body": { "name": "three" } }
      """
    Then the call fails with status 400 and id "plugin.api-keys.too_many_keys"
    When Kuzzle restarts with the plugin configuration:
      """
      { "lastUsedFlushInterval": 1000 }
      """

  Scenario: the npm pack tarball boots as a directory plugin
    When the npm package is packed and installed as a directory plugin
    Then the package ships "manifest.json,index.js,dist/lib/ApiKeysPlugin.js,dist/lib/ApiKeysPlugin.d.ts" and not "lib/ApiKeysPlugin.ts,test/,features/"
    Given the admin created a key "k" for "alice"
    Then "key:k" is authenticated as "alice"
