// Features run against a real Kuzzle (test/stack) through kuzzle-sdk. Every scenario runs once per
// protocol: profile `http` (the default) and profile `websocket`.
// With KUZZLE_HOST set, they run against an external Kuzzle and @stack-only scenarios are excluded.
const external = Boolean(process.env.KUZZLE_HOST);
const tags = [process.env.CUCUMBER_TAGS, external ? 'not @stack-only' : null].filter(Boolean).map((t) => `(${t})`).join(' and ');

const common = {
  requireModule: ['ts-node/register/transpile-only'],
  require: ['features/support/**/*.ts', 'features/step_definitions/**/*.ts'],
  // FEATURES=features/x.feature,features/y.feature runs a subset
  paths: process.env.FEATURES ? process.env.FEATURES.split(',') : ['features/**/*.feature'],
  format: ['progress', 'summary'],
  tags: tags || undefined,
  forceExit: true,
};

module.exports = {
  default: { ...common, worldParameters: { protocol: 'http' } },
  http: { ...common, worldParameters: { protocol: 'http' } },
  websocket: { ...common, worldParameters: { protocol: 'websocket' } },
};
