// Features run against a real Kuzzle (test/stack) through kuzzle-sdk, over HTTP and WebSocket.
// With KUZZLE_HOST set, they run against an external Kuzzle and @stack-only scenarios are excluded.
const external = Boolean(process.env.KUZZLE_HOST);
const tags = [process.env.CUCUMBER_TAGS, external ? 'not @stack-only' : null].filter(Boolean).join(' and ');

module.exports = {
  default: {
    requireModule: ['ts-node/register/transpile-only'],
    require: ['features/support/**/*.ts', 'features/step_definitions/**/*.ts'],
    paths: ['features/**/*.feature'],
    format: ['progress-bar', 'summary'],
    tags: tags || undefined,
    failFast: false,
  },
};
