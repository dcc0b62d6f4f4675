/**
 * Roles, profiles and data every scenario can rely on. Created once per run by the admin.
 * Kuzzle's default roles grant nothing on plugin controllers: each role lists what scenarios need.
 */
import { BeforeAll } from '@cucumber/cucumber';
import { Kuzzle, Http } from 'kuzzle-sdk';
import { bootStack, kuzzleAddress, ADMIN_CREDENTIALS } from './stack';

export const ROLES: Record<string, any> = {
  // manage one's own keys and session
  'apikeys-self': {
    controllers: {
      'api-keys/auth': { actions: { '*': true } },
      auth: { actions: { '*': true } },
      server: { actions: { now: true, publicApi: true, info: true } },
    },
  },
  // work with data
  'apikeys-data': {
    controllers: {
      document: { actions: { '*': true } },
      realtime: { actions: { '*': true } },
      collection: { actions: { list: true, exists: true } },
      index: { actions: { list: true } },
      memoryStorage: { actions: { get: true, set: true } },
    },
  },
  // Kuzzle's native API-key actions only (not the plugin's controllers)
  'apikeys-native': {
    controllers: {
      security: { actions: { createApiKey: true, searchApiKeys: true, deleteApiKey: true } },
    },
  },
  // the plugin's administrative controller only
  'apikeys-admin': {
    controllers: {
      'api-keys/security': { actions: { '*': true } },
    },
  },
};

export const DATA: Record<string, string[]> = {
  shop: ['orders', 'products'],
  other: ['stuff'],
};

BeforeAll({ timeout: 240 * 1000 }, async () => {
  await bootStack(); // hooks run in file order: make sure the stack is up first
  const { host, port } = kuzzleAddress();
  const sdk = new Kuzzle(new Http(host, { port }));
  await sdk.connect();
  await sdk.auth.login('local', ADMIN_CREDENTIALS);
  for (const [roleId, content] of Object.entries(ROLES)) {
    await sdk.security.createOrReplaceRole(roleId, content, { force: true, refresh: 'wait_for' } as any);
  }
  for (const [index, collections] of Object.entries(DATA)) {
    if (!(await sdk.index.exists(index))) await sdk.index.create(index);
    for (const collection of collections) {
      await sdk.collection.create(index, collection, { mappings: { dynamic: 'true', properties: { label: { type: 'keyword' } } } } as any);
    }
  }
  sdk.disconnect();
});
