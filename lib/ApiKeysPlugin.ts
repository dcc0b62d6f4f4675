/**
 * kuzzle-plugin-api-keys: wiring only. The behaviour lives in core/ (pure logic), storage/ (the
 * repository), auth/ (the request path) and controllers/ (one handler per action).
 */
import type { KuzzleRequest, PluginContext } from 'kuzzle';
import { resolveConfig, PluginConfig } from './core/config';
import { KeyRepository } from './storage/KeyRepository';
import { COLLECTIONS } from './storage/mappings';
import { KeyResolver } from './auth/KeyResolver';
import { SessionManager } from './auth/SessionManager';
import { UsageRecorder } from './auth/UsageRecorder';
import { ClusterSync } from './auth/ClusterSync';
import { applyInvalidation } from './auth/invalidation';
import { ConnectionTokens } from './auth/ConnectionTokens';
import { RequestPipes } from './auth/pipes';
import { buildApi } from './controllers';
import type { StoredKey } from './core/key';
import type { Runtime } from './runtime';

export class ApiKeysPlugin {
  config: PluginConfig | null = null;
  context: PluginContext | null = null;
  api: Record<string, unknown> = {};
  pipes: Record<string, unknown> = {};
  hooks: Record<string, unknown> = {};
  private runtime: Runtime | null = null;

  async init(rawConfig: unknown, context: PluginContext): Promise<void> {
    const kuzzle = (global as any).kuzzle;
    const config = resolveConfig(rawConfig, kuzzle.config.security.apiKey.maxTTL);
    this.config = config;
    this.context = context;
    const ask = (event: string, ...args: any[]) => kuzzle.ask(event, ...args);
    const log = {
      debug: (m: string) => context.log.debug(`[api-keys] ${m}`),
      info: (m: string) => context.log.info(`[api-keys] ${m}`),
      warn: (m: string) => context.log.warn(`[api-keys] ${m}`),
      error: (m: string) => context.log.error(`[api-keys] ${m}`),
    };

    await context.accessors.storage.bootstrap(COLLECTIONS as any);
    const repo = new KeyRepository(ask);
    const securityConfig = kuzzle.config.security;
    const resolver = new KeyResolver(repo, ask, {
      cacheSize: config.cacheSize,
      secret: () => kuzzle.secret,
      algorithm: () => securityConfig.authToken?.algorithm ?? securityConfig.jwt?.algorithm ?? 'HS256',
    });
    const rt: Runtime = {
      config,
      ask,
      repo,
      resolver,
      sessions: new SessionManager(ask, config.cacheSize),
      usage: new UsageRecorder(repo, config.lastUsedFlushInterval, (e) => log.warn(`lastUsedAt flush failed: ${(e as Error)?.message ?? e}`)),
      cluster: new ClusterSync((context.accessors as any).cluster, log.debug),
      connections: new ConnectionTokens(() => kuzzle.tokenManager),
      keyRequests: new WeakMap(),
      nativeRequests: new WeakMap(),
      sdk: context.accessors.sdk,
      log,
      now: () => Date.now(),
    };
    this.runtime = rt;

    await rt.cluster.listen((message) => { void applyInvalidation(rt, message); });
    rt.usage.start();

    const pipes = new RequestPipes(rt, () => kuzzle.config.internal.notifiableProtocols);
    this.api = buildApi(rt);
    this.pipes = {
      'request:beforeExecution': pipes.beforeExecution,
      'request:onAuthorized': pipes.onAuthorized,
      'auth:afterGetMyRights': pipes.afterGetMyRights,
      'auth:afterCheckRights': pipes.afterCheckRights,
      'auth:afterCheckToken': pipes.afterCheckToken,
      'kuzzle:shutdown': async () => { await rt.usage.stop(); },
    };
    this.hooks = {
      // Every user deletion (API or not) and admin:resetSecurity take the users' keys with them.
      'core:security:user:delete': (event: { args: unknown[] }) => this.deleteKeysOfUser(String(event?.args?.[0])),
      'core:security:user:truncate': () => this.deleteAllKeys(),
    };
  }

  private async deleteKeysOfUser(userId: string): Promise<void> {
    const rt = this.runtime as Runtime;
    try {
      // Kuzzle already deleted the user's sessions; the keys go, by query, whatever their number.
      rt.resolver.invalidateUser(userId);
      const keys = await rt.repo.deleteWhere({ term: { userId } });
      await this.forgetDeleted(keys);
      await rt.cluster.broadcast({ kind: 'user-deleted', userId });
    } catch (error) {
      rt.log.error(`could not delete the API keys of deleted user "${userId}": ${(error as Error)?.message ?? error}`);
    }
  }

  /** After a bulk deletion: caches, sessions and realtime subscriptions of every deleted key. */
  private async forgetDeleted(keys: StoredKey[]): Promise<void> {
    const rt = this.runtime as Runtime;
    for (const key of keys) {
      rt.resolver.invalidate(key.keyId, key.fingerprint, true);
      rt.usage.forget(key.keyId);
      await rt.sessions.drop(key.keyId, key.userId).catch(() => undefined);
      await rt.connections.expire(key.keyId);
    }
  }

  private async deleteAllKeys(): Promise<void> {
    const rt = this.runtime as Runtime;
    try {
      const keys = await rt.repo.deleteWhere({ match_all: {} });
      await this.forgetDeleted(keys);
      rt.resolver.clear();
      await rt.cluster.broadcast({ kind: 'all' });
    } catch (error) {
      rt.log.error(`could not delete API keys after a security reset: ${(error as Error)?.message ?? error}`);
    }
  }
}

export type { PluginConfig };
export type { KuzzleRequest };
