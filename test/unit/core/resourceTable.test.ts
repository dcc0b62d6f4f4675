import {
  isClassified,
  patternHasIndexBoundAction,
  resourceKindOf,
} from '../../../lib/core/resourceTable';
import { evaluateScopes, intersectRights, isScopeSubset, scopesAllow, scopesCover, Right } from '../../../lib/core/scopes';
import { PERSISTENT_PRIVILEGE_ACTIONS, isCredentialAction } from '../../../lib/core/actionRules';

describe('resourceKindOf (Kuzzle 2.56 controllers)', () => {
  it.each([
    ['document', 'create', 'index+collection'],
    ['document', 'mCreate', 'index+collection'],
    ['document', 'validate', 'index+collection'],
    ['document', 'search', 'search'],
    ['document', 'scroll', 'scroll'],
    ['bulk', 'import', 'index+collection'],
    ['realtime', 'subscribe', 'index+collection'],
    ['realtime', 'publish', 'index+collection'],
    ['realtime', 'join', 'room'],
    ['realtime', 'count', 'room'],
    ['realtime', 'list', 'none'],
    ['realtime', 'unsubscribe', 'none'],
    ['collection', 'truncate', 'index+collection'],
    ['collection', 'list', 'index'],
    ['collection', 'searchSpecifications', 'none'],
    ['collection', 'scrollSpecifications', 'none'],
    ['index', 'create', 'index'],
    ['index', 'delete', 'index'],
    ['index', 'exists', 'index'],
    ['index', 'mDelete', 'body-indexes'],
    ['index', 'list', 'none'],
    ['index', 'stats', 'none'],
    ['security', 'createUser', 'none'],
    ['security', 'refresh', 'none'],
    ['server', 'info', 'none'],
    ['ms', 'get', 'none'],
    ['memoryStorage', 'set', 'none'],
    ['admin', 'resetCache', 'none'],
    ['auth', 'updateMyCredentials', 'none'],
    ['api-keys/auth', 'getApiKey', 'none'],
    ['my-plugin/ctrl', 'anything', 'none'],
  ])('%s:%s reads %s', (controller, action, kind) => {
    expect(resourceKindOf(controller, action)).toBe(kind);
  });

  it('an action it does not know has no resource (fail closed), and is not classified', () => {
    expect(resourceKindOf('document', 'brandNewAction')).toBe('none');
    expect(isClassified('document', 'brandNewAction')).toBe(false);
    expect(isClassified('ms', 'brandNewAction')).toBe(true);
    expect(isClassified('my-plugin/ctrl', 'x')).toBe(false);
  });

  it('is not fooled by prototype keys', () => {
    expect(resourceKindOf('document', 'constructor')).toBe('none');
    expect(resourceKindOf('__proto__', 'toString')).toBe('none');
    expect(isClassified('constructor', 'x')).toBe(false);
  });

  it('knows which controllers and patterns can touch an index', () => {
    expect(patternHasIndexBoundAction('*', '*')).toBe(true);
    expect(patternHasIndexBoundAction('document', '*')).toBe(true);
    expect(patternHasIndexBoundAction('security', '*')).toBe(false);
    expect(patternHasIndexBoundAction('index', 'list')).toBe(false);
    expect(patternHasIndexBoundAction('*', 'create')).toBe(true);
  });
});

describe('index-narrowed scopes never grant resource-less actions, whatever the arguments', () => {
  const spoofed = [{ index: 'shop', collection: 'orders' }];
  it.each([
    ['*:*@shop', 'security', 'createUser'],
    ['*:*@shop', 'server', 'info'],
    ['*:*@shop', 'ms', 'get'],
    ['*:*@shop', 'index', 'list'],
    ['*:*@shop', 'realtime', 'list'],
    ['*:*@shop', 'collection', 'searchSpecifications'],
    ['*:*@shop', 'admin', 'resetCache'],
    ['*:*@shop', 'api-keys/security', 'createApiKey'],
    ['*:*@shop/orders', 'security', 'getUser'],
    ['document:*@shop', 'document', 'brandNewAction'],
  ])('%s does not grant %s:%s', (scope, controller, action) => {
    expect(evaluateScopes([scope], controller, action)).toBe('deny');
    expect(scopesAllow([scope], controller, action, spoofed)).toBe(false);
  });

  it('a collection-narrowed scope never grants an index-level action', () => {
    expect(scopesAllow(['*:*@x/orders'], 'index', 'delete', [{ index: 'x' }])).toBe(false);
    expect(scopesAllow(['*:*@x/orders'], 'collection', 'list', [{ index: 'x' }])).toBe(false);
    expect(scopesAllow(['*:*@x'], 'index', 'delete', [{ index: 'x' }])).toBe(true);
    expect(scopesAllow(['*:*@x/*'], 'index', 'delete', [{ index: 'x' }])).toBe(true);
  });

  it('an unknown room or unbound scroll (no resource) is denied to narrowed scopes', () => {
    const verdict = evaluateScopes(['realtime:*@shop/orders'], 'realtime', 'join');
    expect(verdict).toEqual({ narrowed: [{ controller: 'realtime', action: '*', index: 'shop', collection: 'orders' }], kind: 'room' });
    if (verdict === 'allow' || verdict === 'deny') throw new Error('unreachable');
    expect(scopesCover(verdict.narrowed, [])).toBe(false);
    expect(scopesCover(verdict.narrowed, null)).toBe(false);
    expect(scopesCover(verdict.narrowed, [{ index: 'shop', collection: 'other' }])).toBe(false);
    expect(scopesCover(verdict.narrowed, [{ index: 'shop', collection: 'orders' }])).toBe(true);
  });

  it('stored scopes the grammar now rejects grant nothing', () => {
    expect(scopesAllow(['server:*@shop'], 'server', 'now', [])).toBe(false);
    expect(scopesAllow(['document:*@Shop'], 'document', 'get', [{ index: 'Shop', collection: 'c' }])).toBe(false);
  });
});

describe('persistent-privilege actions need a literal scope', () => {
  it.each(PERSISTENT_PRIVILEGE_ACTIONS.map((n) => [n]))('%s', (name) => {
    const [controller, action] = name.split(':') as [string, string];
    expect(scopesAllow(['*:*'], controller, action, [])).toBe(false);
    expect(scopesAllow([`${controller}:*`], controller, action, [])).toBe(false);
    expect(scopesAllow([`*:${action}`], controller, action, [])).toBe(false);
    expect(scopesAllow([name], controller, action, [])).toBe(true);
    expect(scopesAllow(null, controller, action, [])).toBe(true);
  });

  it('wildcards still grant the other actions of the controller', () => {
    expect(scopesAllow(['security:*'], 'security', 'getUser', [])).toBe(true);
    expect(scopesAllow(['security:*'], 'security', 'deleteUser', [])).toBe(true);
  });

  it('a child may name one only if its parent names it literally', () => {
    expect(isScopeSubset(['security:createUser'], ['security:*'])).toBe(false);
    expect(isScopeSubset(['security:createUser'], ['*:*'])).toBe(false);
    expect(isScopeSubset(['security:createUser'], ['security:createUser'])).toBe(true);
    expect(isScopeSubset(['security:createUser'], null)).toBe(true);
    expect(isScopeSubset(['security:*'], ['security:*'])).toBe(true);
  });
});

describe('credential actions', () => {
  it.each([['auth', 'createMyCredentials'], ['auth', 'updateMyCredentials'], ['auth', 'createToken'], ['auth', 'refreshToken']])(
    '%s:%s is a credential action', (c, a) => expect(isCredentialAction(c, a)).toBe(true),
  );
  it('others are not', () => {
    expect(isCredentialAction('auth', 'login')).toBe(false);
    expect(isCredentialAction('security', 'createUser')).toBe(false);
  });
});

describe('intersectRights follows the enforcement rules', () => {
  const r = (controller: string, action: string, index = '*', collection = '*', value = 'allowed'): Right =>
    ({ controller, action, index, collection, value });

  it('an index-narrowed scope reports only index-bound actions', () => {
    const out = intersectRights([r('*', '*')], ['*:*@shop']);
    const allowedNames = out.filter((e) => e.value === 'allowed').map((e) => `${e.controller}:${e.action}`);
    expect(allowedNames).toContain('document:create');
    expect(allowedNames).toContain('index:delete');
    expect(allowedNames).toContain('realtime:join');
    for (const name of ['security:createUser', 'server:info', 'ms:get', 'index:list', 'document:scroll'].slice(0, 4)) {
      expect(allowedNames).not.toContain(name);
    }
    expect(out.every((e) => e.value !== 'allowed' || e.index === 'shop' || `${e.controller}:${e.action}` !== 'security:*')).toBe(true);
    expect(out.find((e) => e.controller === '*' || e.action === '*')).toBeUndefined();
  });

  it('a collection-narrowed scope never reports an index-level action', () => {
    const out = intersectRights([r('*', '*')], ['*:*@x/orders']);
    const names = out.map((e) => `${e.controller}:${e.action}`);
    expect(names).not.toContain('index:delete');
    expect(names).not.toContain('collection:list');
    expect(names).toContain('collection:truncate');
  });

  it('reports persistent-privilege actions covered by a wildcard as denied', () => {
    const out = intersectRights([r('security', '*')], ['security:*']);
    expect(out).toContainEqual(r('security', '*'));
    expect(out).toContainEqual(r('security', 'createUser', '*', '*', 'denied'));
    expect(out).toContainEqual(r('security', 'updateProfile', '*', '*', 'denied'));
    expect(intersectRights([r('security', 'createUser')], ['security:*'])).toEqual([r('security', 'createUser', '*', '*', 'denied')]);
    const literal = intersectRights([r('security', '*')], ['security:*', 'security:createUser']);
    expect(literal).not.toContainEqual(r('security', 'createUser', '*', '*', 'denied'));
    expect(literal).toContainEqual(r('security', 'createUser'));
  });

  it('reports credential actions as denied, even to unrestricted keys', () => {
    expect(intersectRights([r('auth', '*')], ['auth:*'])).toContainEqual(r('auth', 'updateMyCredentials', '*', '*', 'denied'));
    expect(intersectRights([r('auth', 'createToken')], null)).toEqual([r('auth', 'createToken', '*', '*', 'denied')]);
  });
});
