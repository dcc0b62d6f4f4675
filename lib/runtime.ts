/**
 * Everything the pipes and the controllers share, built once by ApiKeysPlugin.init.
 */
import type { KuzzleRequest } from 'kuzzle';
import type { PluginConfig } from './core/config';
import type { StoredKey } from './core/key';
import type { KeyRepository, Ask } from './storage/KeyRepository';
import type { KeyQuota } from './storage/KeyQuota';
import type { KeyResolver } from './auth/KeyResolver';
import type { SessionManager } from './auth/SessionManager';
import type { UsageRecorder } from './auth/UsageRecorder';
import type { ClusterSync } from './auth/ClusterSync';
import type { ConnectionTokens } from './auth/ConnectionTokens';
import type { SubscriptionGuard } from './auth/SubscriptionGuard';
import type { KeyRequests } from './auth/KeyRequests';
import type { KuzzleResourceLookups } from './auth/ResourceLookups';
import type { AuditTrail } from './auth/AuditTrail';
import type { Budget } from './auth/Budget';
import type { AuditRepository } from './storage/AuditRepository';

/** The key behind a key-authenticated request, and its ancestors as they were when the request came in. */
export interface KeyContext {
  key: StoredKey;
  /** parent first: the request may do at most what each of them may do */
  ancestors: StoredKey[];
  /** the fingerprint of the secret the request came with */
  fingerprint: string;
}

/** Native action names served by the plugin (drop-in), as `controller:action`. */
export type NativeName =
  | 'security:createApiKey' | 'security:searchApiKeys' | 'security:deleteApiKey'
  | 'auth:createApiKey' | 'auth:searchApiKeys' | 'auth:deleteApiKey';

export interface Runtime {
  config: PluginConfig;
  ask: Ask;
  repo: KeyRepository;
  /** maxKeysPerUser, shared by every node */
  quota: KeyQuota;
  resolver: KeyResolver;
  sessions: SessionManager;
  usage: UsageRecorder;
  cluster: ClusterSync;
  connections: ConnectionTokens;
  /** what each key opened on this node, ended and narrowed with the key */
  subscriptions: SubscriptionGuard;
  /** requests authenticated by a plugin key */
  keyRequests: KeyRequests;
  /** resources Kuzzle does not carry in the request (rooms, scroll ids) */
  lookups: KuzzleResourceLookups;
  /** requests re-routed from a native action name */
  nativeRequests: WeakMap<KuzzleRequest, NativeName>;
  /** rate limits and credits, cluster-wide */
  budget: Budget;
  /** audit events of key management */
  audit: AuditTrail;
  auditRepo: AuditRepository;
  /** the embedded SDK (native fall-through for deleteApiKey) */
  sdk: any;
  log: { debug(msg: string): void; info(msg: string): void; warn(msg: string): void; error(msg: string): void };
  now(): number;
}
