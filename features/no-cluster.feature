@stack-only
Feature: The plugin also runs on a Kuzzle whose cluster is disabled
  Production Kuzzle runs with its cluster on (every other feature). This one boots a separate stack with
  `cluster.enabled: false` and no support plugin: the api-keys plugin must boot and authenticate keys
  (its cluster broadcasts have nobody to talk to). Realtime is out of scope here: Kuzzle 2.56 itself
  needs cluster answers for subscriptions.

  Scenario: with the cluster disabled, the plugin boots and a key authenticates
    Given a separate stack running Kuzzle with the cluster disabled
    Then that stack runs without a cluster and the api-keys plugin is loaded
    When the admin of that stack creates a key "x" for the admin
    Then key "x" authenticates as the admin on that stack
