import { setWorldConstructor, World, IWorldOptions, BeforeAll, AfterAll, Before, After, setDefaultTimeout } from '@cucumber/cucumber';
import { Kuzzle, Http, WebSocket } from 'kuzzle-sdk';
import { bootStack, shutdownStack, kuzzleAddress, ADMIN_CREDENTIALS } from './stack';

setDefaultTimeout(60 * 1000);

export type Protocol = 'http' | 'websocket';

export interface KeyRecord {
  _id: string;
  secret: string;
  userId: string;
  source: Record<string, any>;
}

/** the kuid of the administrator the features log in as */
export const ADMIN_KUID = process.env.KUZZLE_ADMIN_KUID || 'admin';

let counter = 0;
const runId = Date.now().toString(36);

export class ApiKeysWorld extends World {
  protocol: Protocol;
  clients: Kuzzle[] = [];
  admin!: Kuzzle;
  /** users created by this scenario (deleted afterwards, which deletes their keys) */
  users: string[] = [];
  /** named users: alias -> kuid */
  userIds = new Map<string, string>();
  /** passwords of named users */
  passwords = new Map<string, string>();
  /** keys by alias */
  keys = new Map<string, KeyRecord>();
  /** a client per alias (user login, key, ...) */
  named = new Map<string, Kuzzle>();
  result: any = null;
  error: any = null;
  notifications: any[] = [];
  cleanups: Array<() => Promise<unknown>> = [];
  vars = new Map<string, any>();

  constructor(options: IWorldOptions) {
    super(options);
    this.protocol = (options.parameters?.protocol as Protocol) || 'http';
  }

  unique(prefix: string): string {
    counter++;
    return `${prefix}-${runId}-${counter}`;
  }

  newClient(protocol: Protocol = this.protocol): Kuzzle {
    const { host, port } = kuzzleAddress();
    const transport = protocol === 'http' ? new Http(host, { port }) : new WebSocket(host, { port });
    const sdk = new Kuzzle(transport as any, { autoResubscribe: false } as any);
    // the SDK logs "tokenExpired" etc.; errors are asserted by steps
    sdk.on('networkError', () => undefined);
    this.clients.push(sdk);
    return sdk;
  }

  async connectedClient(protocol: Protocol = this.protocol): Promise<Kuzzle> {
    const sdk = this.newClient(protocol);
    await sdk.connect();
    return sdk;
  }

  async adminClient(): Promise<Kuzzle> {
    const sdk = await this.connectedClient();
    await sdk.auth.login('local', ADMIN_CREDENTIALS);
    return sdk;
  }

  async keyClient(secret: string, protocol: Protocol = this.protocol): Promise<Kuzzle> {
    const sdk = await this.connectedClient(protocol);
    sdk.setAPIKey(secret);
    return sdk;
  }

  async userClient(alias: string): Promise<Kuzzle> {
    const sdk = await this.connectedClient();
    await sdk.auth.login('local', { username: this.kuid(alias), password: this.passwords.get(alias) as string });
    return sdk;
  }

  kuid(alias: string): string {
    if (alias === 'admin') return ADMIN_KUID;
    const kuid = this.userIds.get(alias);
    if (!kuid) throw new Error(`unknown user "${alias}"`);
    return kuid;
  }

  key(alias: string): KeyRecord {
    const key = this.keys.get(alias);
    if (!key) throw new Error(`unknown key "${alias}"`);
    return key;
  }

  client(alias: string): Kuzzle {
    const sdk = this.named.get(alias);
    if (!sdk) throw new Error(`unknown client "${alias}"`);
    return sdk;
  }

  /** Runs fn and stores its result or its error for the Then steps. */
  async attempt(fn: () => Promise<any>): Promise<void> {
    this.result = null;
    this.error = null;
    try {
      this.result = await fn();
    } catch (error) {
      this.error = error;
    }
  }

  /** A user with the given role ids, a profile with rateLimit 0, and local credentials. */
  async createUser(alias: string, roles: string[]): Promise<string> {
    const kuid = this.unique(alias);
    const profileId = `apikeys-test-${roles.join('-')}`;
    await this.admin.security.createOrReplaceProfile(profileId, {
      rateLimit: 0,
      policies: roles.map((roleId) => ({ roleId })),
    } as any, { refresh: 'wait_for' } as any);
    const password = `pw-${kuid}`;
    await this.admin.security.createUser(kuid, {
      content: { profileIds: [profileId] },
      credentials: { local: { username: kuid, password } },
    } as any, { refresh: 'wait_for' } as any);
    this.users.push(kuid);
    this.userIds.set(alias, kuid);
    this.passwords.set(alias, password);
    return kuid;
  }
}

/**
 * kuzzle-sdk 7.17.1's WebSocket reads `this.client` in its `onerror` handler after `close()` has set it to null: an
 * error event arriving after a disconnect then throws in the test process. Detach the handler first.
 */
export function disconnectQuietly(sdk: Kuzzle | undefined): void {
  if (!sdk) return;
  const client = (sdk as any).protocol?.client;
  if (client) client.onerror = () => undefined;
  try { sdk.disconnect(); } catch { /* already gone */ }
}

setWorldConstructor(ApiKeysWorld);

BeforeAll({ timeout: 180 * 1000 }, async () => {
  await bootStack();
});

AfterAll({ timeout: 60 * 1000 }, async () => {
  await shutdownStack();
});

Before(async function (this: ApiKeysWorld) {
  this.admin = await this.adminClient();
});

After(async function (this: ApiKeysWorld) {
  for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => undefined);
  const admin = this.admin;
  if (admin) {
    for (const kuid of this.users) {
      await admin.security.deleteUser(kuid, { refresh: 'wait_for' } as any).catch(() => undefined);
    }
  }
  for (const sdk of this.clients) {
    disconnectQuietly(sdk);
  }
});
