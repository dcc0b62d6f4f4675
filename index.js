'use strict';
// Entry point for both ways of loading the plugin:
// - directory plugin (plugins/enabled/api-keys): Kuzzle requires this file and calls `new` on the export;
// - application: `const { ApiKeysPlugin } = require('kuzzle-plugin-api-keys')` / `import { ApiKeysPlugin } from ...`.
const { ApiKeysPlugin } = require('./dist/lib/ApiKeysPlugin');

module.exports = ApiKeysPlugin;
module.exports.ApiKeysPlugin = ApiKeysPlugin;
module.exports.default = ApiKeysPlugin;
