import {
  ALWAYS_ALLOWED,
  MAX_SCOPES,
  MAX_SCOPE_LENGTH,
  Right,
  formatScope,
  intersectRights,
  isAlwaysAllowed,
  isScopeSubset,
  normalizeScopes,
  parseScope,
  scopesAllow,
} from '../../../lib/core/scopes';
import { expectApiKeyError } from './helpers';

describe('parseScope', () => {
  it.each([
    ['document:search', { controller: 'document', action: 'search' }],
    ['document:*', { controller: 'document', action: '*' }],
    ['*:*', { controller: '*', action: '*' }],
    ['*:search', { controller: '*', action: 'search' }],
    ['document:*@shop', { controller: 'document', action: '*', index: 'shop' }],
    ['document:search@shop/*', { controller: 'document', action: 'search', index: 'shop', collection: '*' }],
    ['document:search@*/orders', { controller: 'document', action: 'search', index: '*', collection: 'orders' }],
    ['document:search@*', { controller: 'document', action: 'search', index: '*' }],
    ['document:get@shop/orders', { controller: 'document', action: 'get', index: 'shop', collection: 'orders' }],
    ['api-keys/auth:getApiKey', { controller: 'api-keys/auth', action: 'getApiKey' }],
    ['my_plugin/sub-ctrl/deep:do_it', { controller: 'my_plugin/sub-ctrl/deep', action: 'do_it' }],
    ['document:search@my-index_1/é-col', { controller: 'document', action: 'search', index: 'my-index_1', collection: 'é-col' }],
    // Kuzzle accepts a leading "_" and "@" in index and collection names
    ['document:search@_private/a@b', { controller: 'document', action: 'search', index: '_private', collection: 'a@b' }],
    ['realtime:subscribe@shop/orders', { controller: 'realtime', action: 'subscribe', index: 'shop', collection: 'orders' }],
    ['*:*@shop', { controller: '*', action: '*', index: 'shop' }],
  ])('parses %s', (raw, expected) => {
    expect(parseScope(raw)).toEqual(expected);
  });

  it('does not add index/collection properties when absent', () => {
    const s = parseScope('document:search');
    expect('index' in s).toBe(false);
    expect('collection' in s).toBe(false);
    expect('collection' in parseScope('document:search@shop')).toBe(false);
  });

  it.each([
    ['document', 'missing'],
    [':search', 'controller is empty'],
    ['document:', 'action is empty'],
    [':', 'controller is empty'],
    ['document:search@', 'index is empty'],
    ['document:search@shop/', 'collection is empty'],
    ['document:search@/orders', 'index is empty'],
    ['document:se*rch', 'action "se*rch"'],
    ['docu*:search', 'controller "docu*"'],
    ['document:search@sh*p', 'index "sh*p"'],
    ['document:search@shop/ord*', 'collection "ord*"'],
    ['document:search@**', 'index "**"'],
    ['document:search@c/d/e', 'only one "/"'],
    ['a:b:c', 'more than one ":"'],
    // Kuzzle 2.56's index/collection name rules (_isObjectNameValid)
    ['document:search@Shop', 'lowercase'],
    ['document:search@shop/Orders', 'lowercase'],
    ['document:search@shop.v2', 'index "shop.v2"'],
    ['document:search@sh&op', 'index "sh&op"'],
    ['document:search@sh+op', 'index "sh+op"'],
    ['document:search@_all', '"_all" is reserved'],
    ['document:search@shop/_all', '"_all" is reserved'],
    ['document:search@' + 'é'.repeat(64), 'longer than 126 bytes'],
    // an index on an action or controller that never touches one could never match
    ['server:*@shop', 'never touches an index'],
    ['security:createUser@shop', 'never touches an index'],
    ['auth:*@shop/orders', 'never touches an index'],
    ['ms:get@shop', 'never touches an index'],
    ['admin:*@shop', 'never touches an index'],
    ['api-keys/auth:getApiKey@i/c', 'never touches an index'],
    ['my-plugin/ctrl:*@shop', 'never touches an index'],
    ['index:list@shop', 'never touches an index'],
    ['document:scrollX@shop', 'never touches an index'],
    ['realtime:unsubscribe@shop', 'never touches an index'],
    ['api-keys/*:get', 'controller "api-keys/*"'],
    ['/auth:get', 'controller "/auth"'],
    ['api-keys/:get', 'controller "api-keys/"'],
    ['api-keys//auth:get', 'controller "api-keys//auth"'],
    ['document :search', 'controller "document "'],
    [' document:search', 'controller'],
    ['document:search ', 'action "search "'],
    ['document:search@sh op', 'index "sh op"'],
    ['document:search@shop/or\tders', 'collection'],
    ['document:search@sh\\op', 'index'],
    ['document:search@sh?op', 'index'],
    ['document:search@sh"op', 'index'],
    ['document:search@sh<op', 'index'],
    ['document:search@sh>op', 'index'],
    ['document:search@sh|op', 'index'],
    ['document:search@sh,op', 'index'],
    ['document:search@sh#op', 'index'],
    ['document:search@sh:op', 'index'],
    ['document:search@sh%op', 'index'],
    ['document:sea.rch', 'action'],
    ['docu.ment:search', 'controller'],
    ['', 'cannot be empty'],
  ])('rejects %j', (raw, reason) => {
    const err = expectApiKeyError(() => parseScope(raw), 'invalid_scope');
    expect(err.message).toContain(reason);
    // the message names the offending scope
    expect(err.message).toContain(JSON.stringify(raw));
  });

  it.each([[null], [undefined], [42], [{}], [['document:search']], [true]])('rejects the non-string %p', (raw) => {
    const err = expectApiKeyError(() => parseScope(raw), 'invalid_scope');
    expect(err.message).toContain('must be a string');
  });

  it('enforces the maximum length', () => {
    const base = 'document:search@' + 'i'.repeat(126) + '/';
    const ok = base + 'c'.repeat(126);
    expect(parseScope(ok).collection).toHaveLength(126);
    const long = 'my-plugin/' + 'c'.repeat(MAX_SCOPE_LENGTH) + ':get';
    const err = expectApiKeyError(() => parseScope(long), 'invalid_scope');
    expect(err.message).toContain('512');
    // a long scope is shortened in the message
    expect(err.message.length).toBeLessThan(400);
  });
});

describe('formatScope', () => {
  it.each([
    'document:search',
    '*:*',
    'document:*@shop',
    'document:search@shop/*',
    'api-keys/auth:getApiKey',
    'collection:list@shop',
  ])('round-trips %s', (raw) => {
    expect(formatScope(parseScope(raw))).toBe(raw);
  });

  it('refuses a collection without index', () => {
    expectApiKeyError(() => formatScope({ controller: 'a', action: 'b', collection: 'c' }), 'invalid_scope');
  });

  it('refuses an invalid scope object', () => {
    expectApiKeyError(() => formatScope({ controller: 'a b', action: 'c' }), 'invalid_scope');
    expectApiKeyError(() => formatScope({ controller: 'a', action: 'c', index: '' }), 'invalid_scope');
  });
});

describe('normalizeScopes', () => {
  it('null/undefined mean unrestricted', () => {
    expect(normalizeScopes(null)).toBeNull();
    expect(normalizeScopes(undefined)).toBeNull();
  });

  it('keeps an empty array', () => {
    expect(normalizeScopes([])).toEqual([]);
  });

  it('validates and removes duplicates, keeping the order', () => {
    expect(
      normalizeScopes(['document:get', 'document:search@shop', 'document:get', '*:*', 'document:search@shop']),
    ).toEqual(['document:get', 'document:search@shop', '*:*']);
  });

  it('returns a new array', () => {
    const input = ['document:get'];
    const out = normalizeScopes(input);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });

  it.each([['document:get'], [{}], [42], [true]])('rejects the non-array %p', (raw) => {
    const err = expectApiKeyError(() => normalizeScopes(raw), 'invalid_scope');
    expect(err.message).toContain('"scopes"');
    expect(err.message).toContain('array');
  });

  it('rejects non-string entries, naming the position', () => {
    const err = expectApiKeyError(() => normalizeScopes(['document:get', 12]), 'invalid_scope');
    expect(err.message).toContain('entry 1');
    expectApiKeyError(() => normalizeScopes([null]), 'invalid_scope');
    expectApiKeyError(() => normalizeScopes([['document:get']]), 'invalid_scope');
  });

  it('rejects an invalid scope, naming it', () => {
    const err = expectApiKeyError(() => normalizeScopes(['document:get', 'document:se*rch']), 'invalid_scope');
    expect(err.message).toContain('"document:se*rch"');
  });

  it('allows up to 128 distinct scopes', () => {
    const many = Array.from({ length: MAX_SCOPES }, (_, i) => `document:get@index${i}`);
    expect(normalizeScopes(many)).toHaveLength(128);
    // duplicates do not count
    expect(normalizeScopes([...many, ...many])).toHaveLength(128);
    const err = expectApiKeyError(() => normalizeScopes([...many, 'document:get@another']), 'invalid_scope');
    expect(err.message).toContain('128');
  });
});

describe('isAlwaysAllowed / ALWAYS_ALLOWED', () => {
  it('lists the always-allowed actions', () => {
    expect([...ALWAYS_ALLOWED].sort()).toEqual(
      ['server:publicApi', 'auth:checkToken', 'auth:getCurrentUser', 'auth:logout', 'realtime:unsubscribe'].sort(),
    );
    expect(Object.isFrozen(ALWAYS_ALLOWED)).toBe(true);
  });

  it.each([
    ['server', 'publicApi', true],
    ['auth', 'checkToken', true],
    ['auth', 'getCurrentUser', true],
    ['auth', 'logout', true],
    ['auth', 'getMyRights', false],
    ['auth', 'refreshToken', false],
    ['auth', '*', false],
    ['*', 'checkToken', false],
    ['Auth', 'checkToken', false],
    ['server', 'now', false],
  ])('%s:%s → %p', (controller, action, expected) => {
    expect(isAlwaysAllowed(controller, action)).toBe(expected);
  });
});

describe('scopesAllow', () => {
  const shop = [{ index: 'shop', collection: 'orders' }];

  it('null scopes allow everything', () => {
    expect(scopesAllow(null, 'security:deleteUser', 'x', null)).toBe(true);
    expect(scopesAllow(null, 'document', 'search', shop)).toBe(true);
  });

  it('always-allowed actions are allowed whatever the scopes', () => {
    for (const entry of ALWAYS_ALLOWED) {
      const [c, a] = entry.split(':') as [string, string];
      expect(scopesAllow([], c, a, null)).toBe(true);
      expect(scopesAllow(['document:get@shop'], c, a, null)).toBe(true);
    }
  });

  it('an empty scope list allows nothing else', () => {
    expect(scopesAllow([], 'document', 'get', shop)).toBe(false);
    expect(scopesAllow([], 'server', 'now', [])).toBe(false);
    expect(scopesAllow([], 'auth', 'getMyRights', [])).toBe(false);
  });

  it('matches controller and action exactly or by wildcard', () => {
    expect(scopesAllow(['document:search'], 'document', 'search', shop)).toBe(true);
    expect(scopesAllow(['document:search'], 'document', 'get', shop)).toBe(false);
    expect(scopesAllow(['document:search'], 'collection', 'search', shop)).toBe(false);
    expect(scopesAllow(['document:*'], 'document', 'mCreate', shop)).toBe(true);
    expect(scopesAllow(['document:*'], 'collection', 'create', shop)).toBe(false);
    expect(scopesAllow(['*:search'], 'collection', 'search', shop)).toBe(true);
    expect(scopesAllow(['*:*'], 'security', 'getUser', [])).toBe(true);
  });

  it('is case-sensitive', () => {
    expect(scopesAllow(['document:search'], 'Document', 'search', shop)).toBe(false);
    expect(scopesAllow(['document:search'], 'document', 'Search', shop)).toBe(false);
    expect(scopesAllow(['document:search@Shop'], 'document', 'search', shop)).toBe(false);
  });

  it('handles controller names with "/"', () => {
    expect(scopesAllow(['api-keys/auth:getApiKey'], 'api-keys/auth', 'getApiKey', [])).toBe(true);
    expect(scopesAllow(['api-keys/auth:getApiKey'], 'api-keys/security', 'getApiKey', [])).toBe(false);
    expect(scopesAllow(['api-keys/auth:getApiKey'], 'api-keys', 'getApiKey', [])).toBe(false);
    expect(scopesAllow(['api-keys/auth:*'], 'api-keys/auth', 'deleteApiKey', null)).toBe(true);
    expect(scopesAllow(['*:getApiKey'], 'api-keys/auth', 'getApiKey', null)).toBe(true);
  });

  it('a matching scope without index allows any resources, even unknown ones', () => {
    expect(scopesAllow(['document:search'], 'document', 'search', null)).toBe(true);
    expect(scopesAllow(['document:search'], 'document', 'search', [])).toBe(true);
    expect(scopesAllow(['document:search@other', 'document:*'], 'document', 'search', null)).toBe(true);
  });

  it('denies index-restricted scopes when the resources are unknown or empty', () => {
    expect(scopesAllow(['document:search@shop'], 'document', 'search', null)).toBe(false);
    expect(scopesAllow(['document:search@shop'], 'document', 'search', [])).toBe(false);
    expect(scopesAllow(['document:search@*'], 'document', 'search', null)).toBe(false);
    expect(scopesAllow(['document:search@*'], 'document', 'search', [])).toBe(false);
  });

  it('checks the index', () => {
    expect(scopesAllow(['document:search@shop'], 'document', 'search', shop)).toBe(true);
    expect(scopesAllow(['document:search@shop'], 'document', 'search', [{ index: 'shop' }])).toBe(true);
    expect(scopesAllow(['document:search@shop'], 'document', 'search', [{ index: 'other', collection: 'orders' }])).toBe(false);
    expect(scopesAllow(['document:search@*'], 'document', 'search', [{ index: 'anything', collection: 'x' }])).toBe(true);
    expect(scopesAllow(['document:search@*'], 'document', 'search', [{ index: 'anything' }])).toBe(true);
  });

  it('checks the collection', () => {
    const s = ['document:search@shop/orders'];
    expect(scopesAllow(s, 'document', 'search', shop)).toBe(true);
    expect(scopesAllow(s, 'document', 'search', [{ index: 'shop', collection: 'users' }])).toBe(false);
    // an index-level operation is not covered by a collection-restricted scope
    expect(scopesAllow(s, 'document', 'search', [{ index: 'shop' }])).toBe(false);
    // collection "*" covers index-level operations too
    expect(scopesAllow(['collection:list@shop/*'], 'collection', 'list', [{ index: 'shop' }])).toBe(true);
    expect(scopesAllow(['document:search@shop/*'], 'document', 'search', [{ index: 'shop', collection: 'x' }])).toBe(true);
    expect(scopesAllow(['document:search@*/orders'], 'document', 'search', [{ index: 'a', collection: 'orders' }])).toBe(true);
    expect(scopesAllow(['document:search@*/orders'], 'document', 'search', [{ index: 'a', collection: 'users' }])).toBe(false);
  });

  it('requires every resource to be covered (multi-index requests)', () => {
    const targets = [
      { index: 'shop', collection: 'orders' },
      { index: 'shop', collection: 'users' },
      { index: 'logs', collection: 'access' },
    ];
    expect(scopesAllow(['document:search@shop'], 'document', 'search', targets)).toBe(false);
    expect(scopesAllow(['document:search@shop', 'document:search@logs/access'], 'document', 'search', targets)).toBe(true);
    expect(
      scopesAllow(['document:search@shop/orders', 'document:search@logs'], 'document', 'search', targets),
    ).toBe(false);
    expect(
      scopesAllow(
        ['document:search@shop/orders', 'document:search@shop/users', 'document:*@logs/*'],
        'document',
        'search',
        targets,
      ),
    ).toBe(true);
  });

  it('only scopes matching controller:action cover resources', () => {
    expect(scopesAllow(['document:get@shop', 'document:search@logs'], 'document', 'search', shop)).toBe(false);
    expect(scopesAllow(['document:get', 'document:search@logs'], 'document', 'search', shop)).toBe(false);
  });

  it('ignores invalid stored scopes (fail closed)', () => {
    expect(scopesAllow(['document:se*rch', 'bad'], 'document', 'search', null)).toBe(false);
    expect(scopesAllow(['bad', 'document:search'], 'document', 'search', null)).toBe(true);
  });

  it('gives the same answer on repeated calls (parse cache)', () => {
    for (let i = 0; i < 3; i++) {
      expect(scopesAllow(['document:search@shop/orders'], 'document', 'search', shop)).toBe(true);
      expect(scopesAllow(['document:search@shop/orders'], 'document', 'search', [{ index: 'shop' }])).toBe(false);
    }
  });
});

describe('isScopeSubset', () => {
  it('anything is within an unrestricted parent', () => {
    expect(isScopeSubset(null, null)).toBe(true);
    expect(isScopeSubset(['*:*'], null)).toBe(true);
    expect(isScopeSubset([], null)).toBe(true);
  });

  it('an unrestricted child is not within a restricted parent', () => {
    expect(isScopeSubset(null, ['*:*'])).toBe(false);
    expect(isScopeSubset(null, [])).toBe(false);
  });

  it('an empty child is within anything', () => {
    expect(isScopeSubset([], [])).toBe(true);
    expect(isScopeSubset([], ['document:get'])).toBe(true);
  });

  it('always-allowed actions are fine either way', () => {
    expect(isScopeSubset(['auth:checkToken', 'server:publicApi', 'auth:logout', 'auth:getCurrentUser'], [])).toBe(true);
    expect(isScopeSubset(['auth:checkToken', 'realtime:unsubscribe'], ['document:get'])).toBe(true);
    expect(isScopeSubset(['auth:*'], [])).toBe(false);
    expect(isScopeSubset(['auth:getMyRights'], [])).toBe(false);
  });

  it.each([
    // [child, parent, expected]
    ['document:get', '*:*', true],
    ['document:get', 'document:*', true],
    ['document:get', 'document:get', true],
    ['document:get', 'document:search', false],
    ['document:get', '*:get', true],
    ['document:*', 'document:get', false],
    ['document:*', 'document:*', true],
    ['*:get', 'document:get', false],
    ['*:*', 'document:*', false],
    ['*:*', '*:*', true],
    ['api-keys/auth:getApiKey', 'api-keys/auth:*', true],
    ['api-keys/auth:getApiKey', 'api-keys/security:*', false],
    // indexes
    ['document:get@shop', 'document:get', true],
    ['document:get@shop/orders', 'document:get', true],
    ['document:get', 'document:get@shop', false],
    ['document:get@shop', 'document:get@shop', true],
    ['document:get@other', 'document:get@shop', false],
    ['document:get@shop', 'document:get@*', true],
    ['document:get@*', 'document:get@shop', false],
    ['document:get@*', 'document:get@*', true],
    // collections
    ['document:get@shop', 'document:get@shop/*', true],
    ['document:get@shop/orders', 'document:get@shop/*', true],
    ['document:get@shop/orders', 'document:get@shop', true],
    ['document:get@shop/*', 'document:get@shop', true],
    ['document:get@shop', 'document:get@shop/orders', false],
    ['document:get@shop/*', 'document:get@shop/orders', false],
    ['document:get@shop/orders', 'document:get@shop/orders', true],
    ['document:get@shop/users', 'document:get@shop/orders', false],
    ['document:get@shop/orders', 'document:get@*/orders', true],
    ['document:get@*/orders', 'document:get@shop/orders', false],
  ])('%s ⊆ %s → %p', (child, parent, expected) => {
    expect(isScopeSubset([child], [parent])).toBe(expected);
  });

  it('needs every child scope covered, each by a single parent scope', () => {
    expect(isScopeSubset(['document:get@shop', 'document:search@logs'], ['document:get@shop', 'document:search'])).toBe(true);
    expect(isScopeSubset(['document:get@shop', 'document:search@logs'], ['document:get@shop'])).toBe(false);
    // document:* is not covered by the union of document:get and document:search
    expect(isScopeSubset(['document:*'], ['document:get', 'document:search'])).toBe(false);
  });

  it('treats invalid scopes as covering nothing and never covered', () => {
    expect(isScopeSubset(['document:se*rch'], ['*:*'])).toBe(false);
    expect(isScopeSubset(['document:get'], ['bad', 'document:*'])).toBe(true);
    expect(isScopeSubset(['document:get'], ['bad'])).toBe(false);
  });
});

describe('intersectRights', () => {
  const r = (controller: string, action: string, index = '*', collection = '*', value = 'allowed'): Right => ({
    controller,
    action,
    index,
    collection,
    value,
  });

  it('returns the rights unchanged (as a copy) for unrestricted keys, credential actions denied', () => {
    const rights = [r('document', '*'), r('document', 'get', 'shop', 'orders', 'conditional')];
    const out = intersectRights(rights, null);
    expect(out).toEqual(rights);
    expect(out).not.toBe(rights);
    expect(intersectRights([r('*', '*')], null)).toEqual([
      r('*', '*'),
      r('auth', 'createMyCredentials', '*', '*', 'denied'),
      r('auth', 'updateMyCredentials', '*', '*', 'denied'),
      r('auth', 'createToken', '*', '*', 'denied'),
      r('auth', 'refreshToken', '*', '*', 'denied'),
    ]);
  });

  it('narrows wildcard rights to the scopes', () => {
    expect(intersectRights([r('document', '*')], ['document:search@shop/orders'])).toEqual([
      r('document', 'search', 'shop', 'orders'),
    ]);
    expect(intersectRights([r('document', 'get')], ['document:*'])).toEqual([r('document', 'get')]);
    expect(intersectRights([r('document', 'get')], ['*:get@shop'])).toEqual([r('document', 'get', 'shop', '*')]);
  });

  it('a scope without index acts as index * / collection *', () => {
    expect(intersectRights([r('document', 'get', 'shop', 'orders')], ['document:get'])).toEqual([
      r('document', 'get', 'shop', 'orders'),
    ]);
  });

  it('a scope with an index but no collection acts as collection *', () => {
    expect(intersectRights([r('document', 'get', '*', 'orders')], ['document:get@shop'])).toEqual([
      r('document', 'get', 'shop', 'orders'),
    ]);
  });

  it('drops disjoint combinations', () => {
    expect(intersectRights([r('document', 'get', 'shop', 'orders')], ['document:search'])).toEqual([]);
    expect(intersectRights([r('document', 'get', 'shop', 'orders')], ['document:get@other'])).toEqual([]);
    expect(intersectRights([r('document', 'get', 'shop', 'orders')], ['document:get@shop/users'])).toEqual([]);
    expect(intersectRights([r('collection', '*')], ['document:*'])).toEqual([]);
  });

  it('keeps the value of the right', () => {
    expect(intersectRights([r('document', '*', '*', '*', 'denied')], ['document:get'])).toEqual([
      r('document', 'get', '*', '*', 'denied'),
    ]);
    expect(intersectRights([r('document', 'get', '*', '*', 'conditional')], ['*:*'])).toEqual([
      r('document', 'get', '*', '*', 'conditional'),
    ]);
  });

  it('keeps always-allowed rights unchanged, even with no scopes', () => {
    const rights = [r('auth', 'checkToken'), r('auth', 'getMyRights'), r('server', 'publicApi', 'x', 'y')];
    expect(intersectRights(rights, [])).toEqual([r('auth', 'checkToken'), r('server', 'publicApi', 'x', 'y')]);
  });

  it('derives always-allowed entries from wildcard rights', () => {
    const out = intersectRights([r('*', '*')], ['document:get@shop']);
    expect(out).toEqual([
      r('document', 'get', 'shop', '*'),
      r('server', 'publicApi'),
      r('auth', 'checkToken'),
      r('auth', 'getCurrentUser'),
      r('auth', 'logout'),
      r('realtime', 'unsubscribe'),
    ]);
    expect(intersectRights([r('auth', '*')], [])).toEqual([
      r('auth', 'checkToken'),
      r('auth', 'getCurrentUser'),
      r('auth', 'logout'),
    ]);
  });

  it('removes identical entries', () => {
    const out = intersectRights(
      [r('document', '*'), r('document', 'get')],
      ['document:get', 'document:*', 'document:get@*'],
    );
    expect(out).toEqual([r('document', 'get'), r('document', '*')]);
  });

  it('keeps entries that differ only by value', () => {
    const out = intersectRights([r('document', 'get', '*', '*', 'allowed'), r('document', '*', '*', '*', 'denied')], [
      'document:get',
    ]);
    expect(out).toEqual([r('document', 'get', '*', '*', 'allowed'), r('document', 'get', '*', '*', 'denied')]);
  });

  it('has a deterministic order: rights first, then scopes', () => {
    const rights = [r('document', '*'), r('collection', '*')];
    const scopes = ['collection:list@a', 'document:get@b', 'document:search@c'];
    const expected = [
      r('document', 'get', 'b', '*'),
      r('document', 'search', 'c', '*'),
      r('collection', 'list', 'a', '*'),
    ];
    expect(intersectRights(rights, scopes)).toEqual(expected);
    expect(intersectRights(rights, scopes)).toEqual(expected);
  });

  it('ignores invalid scopes', () => {
    expect(intersectRights([r('document', '*')], ['document:ge*t'])).toEqual([]);
  });

  it('does not mutate its inputs', () => {
    const rights = [r('document', '*')];
    const scopes = ['document:get'];
    intersectRights(rights, scopes);
    expect(rights).toEqual([r('document', '*')]);
    expect(scopes).toEqual(['document:get']);
  });
});
