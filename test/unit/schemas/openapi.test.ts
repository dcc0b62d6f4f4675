import { ACTION_SCHEMAS, COMMON_ERRORS } from '../../../lib/core/schemas/actions';
import { openapiFor, statusOfErrorId } from '../../../lib/core/schemas/openapi';

describe('OpenAPI operations', () => {
  // the live routes (lib/controllers/index.ts needs Kuzzle) are checked against /_openapi in features/openapi.feature
  it('every action has a summary, and path parameters follow the route', () => {
    const routes: Array<[string, 'security' | 'auth', string, string]> = [
      ['createApiKey', 'security', 'post', 'api-keys/users/:userId/_create'],
      ['getApiKey', 'security', 'get', 'api-keys/users/:userId/:_id'],
      ['deleteApiKey', 'auth', 'post', 'api-keys/me/_delete'],
      ['scrollApiKeys', 'security', 'get', 'api-keys/_scroll/:scrollId'],
      ['searchAuditEvents', 'auth', 'post', 'api-keys/me/_audit/_search'],
    ];
    for (const [action, target, verb, path] of routes) {
      const op = openapiFor(action, target, verb, path) as any;
      expect(op.summary).toEqual(expect.any(String));
      const pathParams = [...path.matchAll(/:([^/]+)/g)].map((m) => m[1]).sort();
      expect(op.parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name).sort()).toEqual(pathParams);
      expect(op.parameters.filter((p: any) => p.in === 'path').every((p: any) => p.required === true)).toBe(true);
    }
    expect(Object.keys(ACTION_SCHEMAS).sort()).toEqual([
      'createApiKey', 'deleteApiKey', 'getApiKey', 'revokeApiKey', 'rotateApiKey', 'scrollApiKeys', 'searchApiKeys',
      'searchAuditEvents', 'updateApiKey', 'verifyApiKey',
    ]);
  });

  it('documents every error id with its status, grouped by status', () => {
    for (const id of [...COMMON_ERRORS, ...Object.values(ACTION_SCHEMAS).flatMap((s) => s.errors)]) {
      expect([id, statusOfErrorId(id)]).toEqual([id, expect.any(Number)]);
    }
    const op = openapiFor('createApiKey', 'security', 'post', 'api-keys/users/:userId/_create') as any;
    expect(op.responses['409'].content['application/json'].schema.properties.error.properties.id.enum).toEqual(['plugin.api-keys.already_exists']);
    expect(op.responses['400'].content['application/json'].schema.properties.error.properties.id.enum).toEqual(
      expect.arrayContaining(['plugin.api-keys.invalid_argument', 'plugin.api-keys.invalid_expiry', 'plugin.api-keys.too_many_keys']),
    );
    expect(op.responses['200'].content['application/json'].schema.properties.result.properties._source.required).toContain('token');
    expect(op.requestBody.content['application/json'].schema.properties.scopes).toBeDefined();
  });

  it('GET routes have no request body; api-keys/auth has no userId', () => {
    const get = openapiFor('getApiKey', 'auth', 'get', 'api-keys/me/:_id') as any;
    expect(get.requestBody).toBeUndefined();
    expect(get.parameters.map((p: any) => p.name)).toEqual(['_id']);
    expect(openapiFor('nope', 'auth', 'get', 'x')).toBeUndefined();
  });

  it('gives each route its own object (Kuzzle adds tags to it)', () => {
    const a = openapiFor('getApiKey', 'auth', 'get', 'api-keys/me/:_id') as any;
    const b = openapiFor('getApiKey', 'auth', 'get', 'api-keys/me/:_id') as any;
    a.tags.push('x');
    expect(b.tags).toEqual(['api-keys/auth']);
  });
});
