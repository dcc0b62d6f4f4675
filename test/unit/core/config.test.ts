import { CONFIG_DEFAULTS, KUZZLE_PLUGIN_KEYS, resolveConfig } from '../../../lib/core/config';

const DEFAULTS = {
  nativeActions: 'plugin',
  maxTTL: -1,
  maxKeysPerUser: 1000,
  cacheSize: 10000,
  lastUsedFlushInterval: 10000,
  claimsMaxBytes: 8192,
  cacheTTL: 300000,
  negativeCacheTTL: 60000,
  subscriptionCheckInterval: 10000,
  maxRotationGrace: 7 * 24 * 3600 * 1000,
  trustedProxies: [],
  auditRetention: 90 * 24 * 3600 * 1000,
  console: true,
};

function expectConfigError(raw: unknown, ...fragments: string[]): void {
  let caught: unknown;
  try {
    resolveConfig(raw, -1);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(Error);
  const message = (caught as Error).message;
  expect(message.startsWith('[api-keys] Invalid configuration:')).toBe(true);
  for (const fragment of fragments) {
    expect(message).toContain(fragment);
  }
}

describe('resolveConfig', () => {
  it('uses the defaults when nothing is configured', () => {
    expect(resolveConfig(undefined, -1)).toEqual(DEFAULTS);
    expect(resolveConfig(null, -1)).toEqual(DEFAULTS);
    expect(resolveConfig({}, -1)).toEqual(DEFAULTS);
    expect(CONFIG_DEFAULTS).toEqual({
      nativeActions: 'plugin',
      maxKeysPerUser: 1000,
      cacheSize: 10000,
      lastUsedFlushInterval: 10000,
      claimsMaxBytes: 8192,
      cacheTTL: 300000,
      negativeCacheTTL: 60000,
      subscriptionCheckInterval: 10000,
      maxRotationGrace: 7 * 24 * 3600 * 1000,
      trustedProxies: [],
      auditRetention: 90 * 24 * 3600 * 1000,
      console: true,
    });
  });

  it("inherits maxTTL from Kuzzle's security.apiKey.maxTTL", () => {
    expect(resolveConfig({}, 86400000).maxTTL).toBe(86400000);
    expect(resolveConfig({}, -1).maxTTL).toBe(-1);
    expect(resolveConfig({}, -5).maxTTL).toBe(-1);
    // the plugin's own setting wins
    expect(resolveConfig({ maxTTL: 1000 }, 86400000).maxTTL).toBe(1000);
    expect(resolveConfig({ maxTTL: -1 }, 86400000).maxTTL).toBe(-1);
  });

  it("reports an unusable Kuzzle maxTTL, naming Kuzzle's setting", () => {
    expect(() => resolveConfig({}, 1.5)).toThrow(/security\.apiKey\.maxTTL/);
  });

  it('accepts every documented key', () => {
    expect(
      resolveConfig(
        {
          nativeActions: 'kuzzle',
          maxTTL: '30d',
          maxKeysPerUser: -1,
          cacheSize: 0,
          lastUsedFlushInterval: '1m',
          claimsMaxBytes: 2,
          cacheTTL: '2s',
          negativeCacheTTL: 500,
          subscriptionCheckInterval: '1s',
          maxRotationGrace: '1h',
          trustedProxies: ['10.0.0.0/8', '::1', '::ffff:192.0.2.1'],
          auditRetention: 86400000,
          console: false,
        },
        -1,
      ),
    ).toEqual({
      nativeActions: 'kuzzle',
      maxTTL: 30 * 24 * 3600 * 1000,
      maxKeysPerUser: -1,
      cacheSize: 0,
      lastUsedFlushInterval: 60000,
      claimsMaxBytes: 2,
      cacheTTL: 2000,
      negativeCacheTTL: 500,
      subscriptionCheckInterval: 1000,
      maxRotationGrace: 3600000,
      trustedProxies: ['10.0.0.0/8', '::1', '::ffff:192.0.2.1'],
      auditRetention: 86400000,
      console: false,
    });
  });

  it('refuses malformed v0.2 keys, naming them', () => {
    expectConfigError({ trustedProxies: ['10.0.0.0/33'] }, 'trustedProxies');
    expectConfigError({ trustedProxies: '10.0.0.0/8' }, 'trustedProxies');
    expectConfigError({ trustedProxies: ['proxy.local'] }, 'trustedProxies');
    expectConfigError({ maxRotationGrace: '1 fortnight' }, 'maxRotationGrace');
    expectConfigError({ auditRetention: 10 }, 'auditRetention');
    expectConfigError({ console: 'yes' }, 'console');
  });

  it('accepts durations as numbers or ms strings', () => {
    expect(resolveConfig({ maxTTL: 3600000 }, -1).maxTTL).toBe(3600000);
    expect(resolveConfig({ maxTTL: '1h' }, -1).maxTTL).toBe(3600000);
    expect(resolveConfig({ maxTTL: '-1' }, -1).maxTTL).toBe(-1);
    expect(resolveConfig({ lastUsedFlushInterval: 10 }, -1).lastUsedFlushInterval).toBe(10);
    expect(resolveConfig({ lastUsedFlushInterval: '5s' }, -1).lastUsedFlushInterval).toBe(5000);
  });

  it('tolerates the keys Kuzzle reads from every plugin config', () => {
    expect(KUZZLE_PLUGIN_KEYS).toEqual(expect.arrayContaining(['privileged', 'pipeWarnTime', 'initTimeout', 'pipeTimeout']));
    expect(resolveConfig({ privileged: false, pipeWarnTime: 500, initTimeout: 10000, pipeTimeout: 100 }, -1)).toEqual(
      DEFAULTS,
    );
  });

  it('refuses a non-object section', () => {
    expectConfigError('plugin', 'plugins.api-keys', 'object');
    expectConfigError([], 'plugins.api-keys');
    expectConfigError(42, 'plugins.api-keys');
  });

  it('refuses unknown keys, naming them', () => {
    expectConfigError({ cachesize: 10 }, '"cachesize"', 'unknown key', 'cacheSize');
    expectConfigError({ maxTtl: 10 }, '"maxTtl"');
  });

  it.each<[Record<string, unknown>, string[]]>([
    [{ nativeActions: 'native' }, ['"nativeActions"', '"plugin" or "kuzzle"']],
    [{ nativeActions: true }, ['"nativeActions"']],
    [{ nativeActions: null }, ['"nativeActions"']],
    [{ maxTTL: 0 }, ['"maxTTL"', '-1']],
    [{ maxTTL: -2 }, ['"maxTTL"']],
    [{ maxTTL: 1.5 }, ['"maxTTL"']],
    [{ maxTTL: 'forever' }, ['"maxTTL"', '"forever"']],
    [{ maxTTL: '0.5ms' }, ['"maxTTL"']],
    [{ maxTTL: null }, ['"maxTTL"']],
    [{ maxTTL: true }, ['"maxTTL"']],
    [{ maxKeysPerUser: 0 }, ['"maxKeysPerUser"', 'integer >= 1', '-1']],
    [{ maxKeysPerUser: -2 }, ['"maxKeysPerUser"']],
    [{ maxKeysPerUser: 2.5 }, ['"maxKeysPerUser"']],
    [{ maxKeysPerUser: '10' }, ['"maxKeysPerUser"']],
    [{ cacheSize: -1 }, ['"cacheSize"', 'integer >= 0']],
    [{ cacheSize: 1.5 }, ['"cacheSize"']],
    [{ cacheSize: Infinity }, ['"cacheSize"']],
    [{ cacheSize: '100' }, ['"cacheSize"']],
    [{ lastUsedFlushInterval: 9 }, ['"lastUsedFlushInterval"', '>= 10']],
    [{ lastUsedFlushInterval: -1 }, ['"lastUsedFlushInterval"']],
    [{ lastUsedFlushInterval: '5ms' }, ['"lastUsedFlushInterval"']],
    [{ lastUsedFlushInterval: 'soon' }, ['"lastUsedFlushInterval"']],
    [{ lastUsedFlushInterval: 10.5 }, ['"lastUsedFlushInterval"']],
    [{ claimsMaxBytes: 1 }, ['"claimsMaxBytes"', 'integer >= 2']],
    [{ claimsMaxBytes: '8kb' }, ['"claimsMaxBytes"']],
    [{ claimsMaxBytes: NaN }, ['"claimsMaxBytes"']],
  ])('refuses %p', (raw, fragments) => {
    expectConfigError(raw, ...fragments);
  });

  it('is not a shared object', () => {
    const a = resolveConfig({}, -1);
    a.cacheSize = 1;
    expect(resolveConfig({}, -1).cacheSize).toBe(10000);
  });
});
