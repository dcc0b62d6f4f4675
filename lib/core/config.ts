/**
 * The plugin's configuration (`plugins.api-keys` in .kuzzlerc). Pure logic: no Kuzzle import.
 * Invalid configuration throws a plain Error, which stops Kuzzle at boot.
 */
import { parseDuration } from './expiry';
import { parseCidr } from './ipAllowlist';

export interface PluginConfig {
  /** who serves Kuzzle's native `security:*ApiKey*` / `auth:*ApiKey*` actions */
  nativeActions: 'plugin' | 'kuzzle';
  /** longest key lifetime in ms on `api-keys/auth` and native `auth:createApiKey`; -1 = no limit */
  maxTTL: number;
  /** keys a user may hold; -1 = no limit */
  maxKeysPerUser: number;
  /** resolved keys kept in memory; 0 = no cache */
  cacheSize: number;
  /** ms between two lastUsedAt writes of the same key */
  lastUsedFlushInterval: number;
  /** largest serialised claims, in bytes */
  claimsMaxBytes: number;
  /** ms a resolved key stays cached (a bound on memory, not on correctness: see the shared mark) */
  cacheTTL: number;
  /** ms an unknown or Kuzzle-native fingerprint stays remembered */
  negativeCacheTTL: number;
  /** ms between two re-checks of the keys holding realtime subscriptions on a node */
  subscriptionCheckInterval: number;
  /** longest rotation grace period, in ms */
  maxRotationGrace: number;
  /** peers (CIDRs or addresses) whose X-Forwarded-For is trusted */
  trustedProxies: string[];
  /** audit events older than this (ms) are pruned */
  auditRetention: number;
  /** serve the web console (api-keys/console) */
  console: boolean;
}

export const CONFIG_DEFAULTS: Readonly<Omit<PluginConfig, 'maxTTL'>> = Object.freeze({
  nativeActions: 'plugin',
  maxKeysPerUser: 1000,
  cacheSize: 10000,
  lastUsedFlushInterval: 10000,
  claimsMaxBytes: 8192,
  cacheTTL: 300000,
  negativeCacheTTL: 60000,
  subscriptionCheckInterval: 10000,
  maxRotationGrace: 7 * 24 * 3600 * 1000,
  trustedProxies: [] as string[],
  auditRetention: 90 * 24 * 3600 * 1000,
  console: true,
});

/**
 * Keys Kuzzle itself reads from (or injects into) every plugin's configuration: `privileged` (plugin.js),
 * `pipeWarnTime` (pluginsManager.js, per-plugin override), and the `plugins.common` settings people sometimes copy
 * into a plugin's section. They are tolerated and ignored.
 */
export const KUZZLE_PLUGIN_KEYS: ReadonlyArray<string> = Object.freeze([
  'privileged',
  'pipeWarnTime',
  'pipeTimeout',
  'initTimeout',
]);

const KNOWN_KEYS: ReadonlyArray<keyof PluginConfig> = Object.freeze([
  'nativeActions',
  'maxTTL',
  'maxKeysPerUser',
  'cacheSize',
  'lastUsedFlushInterval',
  'claimsMaxBytes',
  'cacheTTL',
  'negativeCacheTTL',
  'subscriptionCheckInterval',
  'maxRotationGrace',
  'trustedProxies',
  'auditRetention',
  'console',
]);

const PREFIX = '[api-keys] Invalid configuration:';

function configError(message: string): Error {
  return new Error(`${PREFIX} ${message}`);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a value of type ${typeof v}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** An integer >= min, or -1 when `allowNone`. */
function readInteger(key: string, v: unknown, min: number, allowNone: boolean): number {
  if (typeof v === 'number' && Number.isInteger(v) && (v >= min || (allowNone && v === -1))) {
    return v;
  }
  const expected = `an integer >= ${min}${allowNone ? ', or -1 for no limit' : ''}`;
  throw configError(`"${key}" must be ${expected}; got ${show(v)}`);
}

/** A duration in ms: an integer >= min, or an `ms` string ("30d"), or -1 when `allowNone`. */
function readDuration(key: string, v: unknown, min: number, allowNone: boolean): number {
  let n: number | undefined;
  if (typeof v === 'number') {
    n = v;
  } else if (typeof v === 'string') {
    n = parseDuration(v);
  }
  if (n !== undefined && Number.isInteger(n) && (n >= min || (allowNone && n === -1))) {
    return n;
  }
  const expected =
    `a whole number of milliseconds >= ${min} or an "ms" duration string such as "30d"` +
    (allowNone ? ', or -1 for no limit' : '');
  throw configError(`"${key}" must be ${expected}; got ${show(v)}`);
}

function readBoolean(key: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  throw configError(`"${key}" must be true or false; got ${show(v)}`);
}

/** A list of IP addresses or CIDR ranges (IPv4 or IPv6). */
function readCidrList(key: string, v: unknown): string[] {
  if (Array.isArray(v) && v.every((entry) => typeof entry === 'string' && parseCidr(entry) !== null)) return [...v];
  throw configError(`"${key}" must be an array of IP addresses or CIDR ranges such as "10.0.0.0/8"; got ${show(v)}`);
}

/**
 * Validates the plugin's configuration and fills in the defaults.
 * @param raw the `plugins.api-keys` section (undefined/null = all defaults)
 * @param kuzzleApiKeyMaxTTL Kuzzle's `security.apiKey.maxTTL`, the default of `maxTTL`
 * @throws Error "[api-keys] Invalid configuration: ..." naming the key
 */
export function resolveConfig(raw: unknown, kuzzleApiKeyMaxTTL: number): PluginConfig {
  let source: Record<string, unknown> = {};
  if (raw !== undefined && raw !== null) {
    if (!isPlainObject(raw)) {
      throw configError(`the "plugins.api-keys" section must be an object; got ${show(raw)}`);
    }
    source = raw;
  }

  for (const key of Object.keys(source)) {
    if (!(KNOWN_KEYS as ReadonlyArray<string>).includes(key) && !KUZZLE_PLUGIN_KEYS.includes(key)) {
      throw configError(`unknown key "${key}" (known keys: ${KNOWN_KEYS.join(', ')})`);
    }
  }

  const given = (key: keyof PluginConfig): boolean => source[key] !== undefined;

  let nativeActions = CONFIG_DEFAULTS.nativeActions;
  if (given('nativeActions')) {
    const v = source.nativeActions;
    if (v !== 'plugin' && v !== 'kuzzle') {
      throw configError(`"nativeActions" must be "plugin" or "kuzzle"; got ${show(v)}`);
    }
    nativeActions = v;
  }

  let maxTTL: number;
  if (given('maxTTL')) {
    maxTTL = readDuration('maxTTL', source.maxTTL, 1, true);
  } else {
    // Kuzzle's own setting: any negative number means no limit there
    const inherited =
      typeof kuzzleApiKeyMaxTTL === 'number' && kuzzleApiKeyMaxTTL < 0 ? -1 : kuzzleApiKeyMaxTTL;
    maxTTL = readDuration('maxTTL (inherited from Kuzzle\'s security.apiKey.maxTTL)', inherited, 1, true);
  }

  return {
    nativeActions,
    maxTTL,
    maxKeysPerUser: given('maxKeysPerUser')
      ? readInteger('maxKeysPerUser', source.maxKeysPerUser, 1, true)
      : CONFIG_DEFAULTS.maxKeysPerUser,
    cacheSize: given('cacheSize') ? readInteger('cacheSize', source.cacheSize, 0, false) : CONFIG_DEFAULTS.cacheSize,
    lastUsedFlushInterval: given('lastUsedFlushInterval')
      ? readDuration('lastUsedFlushInterval', source.lastUsedFlushInterval, 10, false)
      : CONFIG_DEFAULTS.lastUsedFlushInterval,
    claimsMaxBytes: given('claimsMaxBytes')
      ? readInteger('claimsMaxBytes', source.claimsMaxBytes, 2, false)
      : CONFIG_DEFAULTS.claimsMaxBytes,
    cacheTTL: given('cacheTTL') ? readDuration('cacheTTL', source.cacheTTL, 100, false) : CONFIG_DEFAULTS.cacheTTL,
    negativeCacheTTL: given('negativeCacheTTL')
      ? readDuration('negativeCacheTTL', source.negativeCacheTTL, 100, false)
      : CONFIG_DEFAULTS.negativeCacheTTL,
    subscriptionCheckInterval: given('subscriptionCheckInterval')
      ? readDuration('subscriptionCheckInterval', source.subscriptionCheckInterval, 100, false)
      : CONFIG_DEFAULTS.subscriptionCheckInterval,
    maxRotationGrace: given('maxRotationGrace')
      ? readDuration('maxRotationGrace', source.maxRotationGrace, 0, false)
      : CONFIG_DEFAULTS.maxRotationGrace,
    trustedProxies: given('trustedProxies') ? readCidrList('trustedProxies', source.trustedProxies) : [],
    auditRetention: given('auditRetention')
      ? readDuration('auditRetention', source.auditRetention, 1000, false)
      : CONFIG_DEFAULTS.auditRetention,
    console: given('console') ? readBoolean('console', source.console) : CONFIG_DEFAULTS.console,
  };
}
