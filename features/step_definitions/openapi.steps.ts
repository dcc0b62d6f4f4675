/**
 * The plugin's part of Kuzzle's OpenAPI document (`server:openapi`, i.e. `GET /_openapi?scope=app`): wrapped as a
 * standalone OpenAPI 3.1 document and validated, and checked against the routes `server:publicApi` lists.
 */
import assert from 'assert';
import { When, Then } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { kuzzleAddress } from '../support/stack';
// ESM-only package: Node >= 20.19 loads it with require
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Validator } = require('@seriousme/openapi-schema-validator');

const CONTROLLERS = ['api-keys/security', 'api-keys/auth'];

When('the admin reads the application\'s OpenAPI document and the public API', async function (this: ApiKeysWorld) {
  // server:openapi answers a raw document (no Kuzzle envelope): read it as HTTP clients and generators do
  const { host, port } = kuzzleAddress();
  const response = await fetch(`http://${host}:${port}/_openapi?scope=app`, { headers: { authorization: `Bearer ${this.admin.jwt}` } });
  assert.strictEqual(response.status, 200);
  const publicApi = await this.admin.query({ controller: 'server', action: 'publicApi' } as any);
  this.vars.set('openapi', await response.json());
  this.vars.set('publicApi', publicApi.result);
});

/** The operations of our two controllers under /_/api-keys/ (the console's routes belong to api-keys/console). */
function pluginPaths(doc: any): Record<string, Record<string, any>> {
  const paths: Record<string, Record<string, any>> = {};
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths ?? {})) {
    if (!path.startsWith('/_/api-keys/')) continue;
    for (const [verb, op] of Object.entries(item)) {
      if (!CONTROLLERS.some((c) => op?.tags?.includes(c))) continue;
      (paths[path] ??= {})[verb] = op;
    }
  }
  return paths;
}

Then('the plugin\'s paths form a valid OpenAPI 3.1 document', async function (this: ApiKeysWorld) {
  const doc = this.vars.get('openapi');
  const paths = pluginPaths(doc);
  assert.ok(Object.keys(paths).length >= 10, `too few plugin paths: ${Object.keys(paths).join(', ')}`);
  const standalone = { openapi: '3.1.0', info: { title: 'kuzzle-plugin-api-keys', version: '0' }, paths };
  const result = await new Validator().validate(standalone);
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
});

Then('every route of our controllers in the public API has its own OpenAPI operation', function (this: ApiKeysWorld) {
  const paths = pluginPaths(this.vars.get('openapi'));
  const api = this.vars.get('publicApi');
  let routes = 0;
  for (const controller of CONTROLLERS) {
    assert.ok(api[controller], `server:publicApi has no ${controller}`);
    for (const [action, spec] of Object.entries<any>(api[controller])) {
      assert.ok(Array.isArray(spec.http) && spec.http.length > 0, `${controller}:${action} has no HTTP route`);
      for (const { verb, path } of spec.http) {
        routes++;
        const op = paths[path.replace(/:([^/]+)/g, '{$1}')]?.[verb.toLowerCase()];
        assert.ok(op, `no OpenAPI operation for ${verb} ${path} (${controller}:${action})`);
        // Kuzzle's own stub says "Action: <name>." and documents neither a result nor errors
        assert.ok(op.summary && !op.summary.startsWith('Action:'), `${verb} ${path}: Kuzzle's generated stub, not the plugin's operation`);
        assert.ok(op.description.includes(`${controller}:${action}`), `${verb} ${path} documents another action: ${op.description}`);
        assert.ok(op.responses['200']?.content?.['application/json']?.schema?.properties?.result, `${verb} ${path}: no result schema`);
        for (const status of ['400', '401', '403', '503']) {
          const ids = op.responses[status]?.content?.['application/json']?.schema?.properties?.error?.properties?.id?.enum;
          assert.ok(Array.isArray(ids) && ids.length > 0, `${verb} ${path}: no ${status} error ids`);
        }
      }
    }
  }
  assert.ok(routes >= 19, `only ${routes} routes`);
});

Then('the OpenAPI operation {string} {string} documents the error {string} as {int}', function (this: ApiKeysWorld, verb: string, path: string, id: string, status: number) {
  const op = pluginPaths(this.vars.get('openapi'))[path]?.[verb];
  assert.ok(op, `no operation ${verb} ${path}`);
  const ids = op.responses[String(status)]?.content?.['application/json']?.schema?.properties?.error?.properties?.id?.enum ?? [];
  assert.ok(ids.includes(id), `${verb} ${path} ${status}: ${JSON.stringify(ids)}`);
});
