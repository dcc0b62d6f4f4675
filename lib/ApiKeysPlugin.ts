/**
 * kuzzle-plugin-api-keys: wiring only. The behaviour lives in core/ (pure logic), storage/ (the
 * repository), auth/ (the request path) and controllers/ (one handler per action).
 */
import { Mutex, Plugin, PluginContext } from 'kuzzle';
import type { JSONObject } from 'kuzzle-sdk';
import { resolveConfig, PluginConfig } from './core/config';
import { KeyRepository } from './storage/KeyRepository';
import { COLLECTIONS } from './storage/mappings';
import { migrateLegacyKeys } from './storage/migration';
import { KeyQuota } from './storage/KeyQuota';
import { AuditRepository } from './storage/AuditRepository';
import { AuditTrail } from './auth/AuditTrail';
import { Budget } from './auth/Budget';
import { KeyResolver } from './auth/KeyResolver';
import { SessionManager } from './auth/SessionManager';
import { UsageRecorder } from './auth/UsageRecorder';
import { ClusterSync } from './auth/ClusterSync';
import { applyInvalidation } from './auth/invalidation';
import { ConnectionTokens } from './auth/ConnectionTokens';
import { SubscriptionGuard } from './auth/SubscriptionGuard';
import { RequestPipes } from './auth/pipes';
import { hideBearerCopy } from './auth/queryBodyJwt';
import { RightsPipes } from './auth/rightsPipes';
import { KeyRequests } from './auth/KeyRequests';
import { KuzzleResourceLookups } from './auth/ResourceLookups';
import { buildApi } from './controllers';
import { CONSOLE_CONTROLLER, buildConsoleController } from './controllers/console';
import { deferred, deleteAllKeys, deleteKeysOfUser, userDeletionPipes } from './controllers/userHooks';
import type { Runtime } from './runtime';

/** The Kuzzle versions this plugin is built and tested for (also in manifest.json). */
export const KUZZLE_VERSION_RANGE = '>=2.56.0 <3';

export class ApiKeysPlugin extends Plugin {
  /** the validated configuration (Kuzzle's raw plugin configuration stays in `config`) */
  settings: PluginConfig | null = null;

  constructor() {
    super({ kuzzleVersion: KUZZLE_VERSION_RANGE });
  }

  async init(rawConfig: JSONObject, context: PluginContext): Promise<void> {
    const kuzzle = (global as any).kuzzle;
    const config = resolveConfig(rawConfig, kuzzle.config.security.apiKey.maxTTL);
    this.config = rawConfig;
    this.settings = config;
    this.context = context;
    const ask = (event: string, ...args: any[]) => kuzzle.ask(event, ...args);
    const log = {
      debug: (m: string) => context.log.debug(`[api-keys] ${m}`),
      info: (m: string) => context.log.info(`[api-keys] ${m}`),
      warn: (m: string) => context.log.warn(`[api-keys] ${m}`),
      error: (m: string) => context.log.error(`[api-keys] ${m}`),
    };

    await context.accessors.storage.bootstrap(COLLECTIONS as any);
    await migrateLegacyKeys(ask, new Mutex('plugin-api-keys/migration', { timeout: -1, ttl: 60_000 }), log.info);
    const repo = new KeyRepository(ask);
    const securityConfig = kuzzle.config.security;
    const resolver = new KeyResolver(repo, ask, {
      cacheSize: config.cacheSize,
      cacheTTL: config.cacheTTL,
      negativeCacheTTL: config.negativeCacheTTL,
      secret: () => kuzzle.secret,
      algorithm: () => securityConfig.authToken?.algorithm ?? securityConfig.jwt?.algorithm ?? 'HS256',
    });
    const sessions = new SessionManager(ask, config.cacheSize, () => Number(securityConfig.authToken?.maxTTL ?? -1));
    const keyRequests = new KeyRequests();
    const lookups = new KuzzleResourceLookups(ask, () => ({
      defaultTTL: kuzzle.config.services?.storageEngine?.defaults?.scrollTTL,
      maxDuration: kuzzle.config.services?.storageEngine?.maxScrollDuration,
    }));
    const now = () => Date.now();
    const auditRepo = new AuditRepository(ask);
    const usage = new UsageRecorder(repo, config.lastUsedFlushInterval, (e) => log.warn(`lastUsedAt flush failed: ${(e as Error)?.message ?? e}`));
    const budget = new Budget(ask, async (key) => (await resolver.reload(key))?.key ?? null, (key, credits) => usage.recordCredits(key, credits));
    const rt: Runtime = {
      config,
      ask,
      repo,
      quota: new KeyQuota(ask, repo),
      resolver,
      sessions,
      usage,
      budget,
      cluster: new ClusterSync((context.accessors as any).cluster, log.debug),
      connections: new ConnectionTokens(() => kuzzle.tokenManager),
      subscriptions: new SubscriptionGuard({ ask, resolver, lookups, keyRequests, sessions, log, now, trustedProxies: config.trustedProxies }, config.subscriptionCheckInterval),
      keyRequests,
      lookups,
      nativeRequests: new WeakMap(),
      audit: new AuditTrail({ repo: auditRepo, ask, log, now, trustedProxies: config.trustedProxies, retention: config.auditRetention }),
      auditRepo,
      sdk: context.accessors.sdk,
      log,
      now,
    };

    await rt.cluster.listen((message) => { void applyInvalidation(rt, message); });
    rt.subscriptions.start();
    rt.usage.start();
    rt.audit.startPruning();

    const pipes = new RequestPipes(rt, () => kuzzle.config.internal.notifiableProtocols);
    const rights = new RightsPipes(rt, pipes);
    // the console (static page + assets) only when configured: `console: false` leaves its routes unregistered
    this.api = { ...buildApi(rt), ...(config.console ? { [CONSOLE_CONTROLLER]: buildConsoleController() } : {}) } as any;
    this.pipes = <any>{
      'protocol:http:afterParsingPayload': hideBearerCopy,
      'request:beforeExecution': pipes.beforeExecution,
      'request:onAuthorized': pipes.onAuthorized,
      'request:afterExecution': pipes.afterExecution,
      'request:onUnauthorized': pipes.onUnauthorized,
      'realtime:afterSubscribe': rt.subscriptions.recorder('subscribe'),
      'realtime:afterJoin': rt.subscriptions.recorder('join'),
      'document:afterSearch': pipes.afterSearch,
      'document:afterScroll': pipes.afterScroll,
      'auth:afterGetMyRights': rights.afterGetMyRights,
      'auth:afterCheckRights': rights.afterCheckRights,
      'auth:afterCheckToken': rights.afterCheckToken,
      // The API answers only once the users' keys are gone (the hooks below cover other deletion paths).
      'security:afterDeleteUser': userDeletionPipes.afterDeleteUser(rt),
      'security:afterMDeleteUsers': userDeletionPipes.afterMDeleteUsers(rt),
      'admin:afterResetSecurity': userDeletionPipes.afterResetSecurity(rt),
      'kuzzle:shutdown': async () => { rt.subscriptions.stop(); rt.audit.stopPruning(); await rt.usage.stop(); },
    };
    this.hooks = <any>{
      // Every user deletion (API or not) and admin:resetSecurity take the users' keys with them.
      'core:security:user:delete': (event: { args: unknown[] }) => {
        const deletedAt = rt.now();
        deferred(() => deleteKeysOfUser(rt, String(event?.args?.[0]), null, deletedAt));
      },
      'core:security:user:truncate': () => {
        const resetAt = rt.now();
        deferred(() => deleteAllKeys(rt, null, resetAt));
      },
      'core:realtime:user:unsubscribe:after': rt.subscriptions.onUnsubscribed,
      'connection:remove': rt.subscriptions.onConnectionRemoved,
    };
  }
}

export type { PluginConfig };
