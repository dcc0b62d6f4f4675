'use strict';
// A minimal Kuzzle application that loads kuzzle-plugin-api-keys (for users who have Docker).
const { Backend } = require('kuzzle');
const { ApiKeysPlugin } = require('kuzzle-plugin-api-keys');

const app = new Backend('kuzzle-api-keys');
app.plugin.use(new ApiKeysPlugin(), { name: 'api-keys' });

app.start()
  .then(() => app.log.info('Kuzzle with kuzzle-plugin-api-keys is ready'))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
