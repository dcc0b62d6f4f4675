/**
 * Browser-test harness: the real test stack (Kuzzle 2.56 in cluster mode + the plugin, Redis, the ES emulator),
 * Debian's Chromium driven by playwright-core (no browser download), and the users, roles and data the console
 * tests need. Screenshots go to a temporary folder (printed), never into the repository.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { Kuzzle, Http } from 'kuzzle-sdk';
import { startStack, Stack, ADMIN } from '../stack';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const SELF_USER = { kuid: 'console-alice', username: 'console-alice', password: 'alice-password-for-tests' };
export const OTHER_USER = { kuid: 'console-bob', username: 'console-bob', password: 'bob-password-for-tests' };

/** What a self-service user gets: their own keys, their session, the public API description (scope pickers). */
export const SELF_ROLE = {
  controllers: {
    'api-keys/auth': { actions: { '*': true } },
    auth: { actions: { '*': true } },
    server: { actions: { publicApi: true, now: true } },
  },
};

export const CONSOLE_GRANT = { 'api-keys/console': { actions: { '*': true } } };

export interface Harness {
  stack: Stack;
  browser: Browser;
  url: string;
  shots: string;
  admin: Kuzzle;
  sdk(): Kuzzle;
  /** a fresh browser context and page, recording console output and uncaught page errors */
  page(viewport?: { width: number; height: number }): Promise<Watched>;
  grantAnonymousConsole(grant: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface Watched {
  context: BrowserContext;
  page: Page;
  consoleLines: string[];
  pageErrors: string[];
  shot(name: string): Promise<void>;
}

async function createUser(admin: Kuzzle, user: typeof SELF_USER, profileIds: string[]): Promise<void> {
  await admin.security.createUser(user.kuid, {
    content: { profileIds },
    credentials: { local: { username: user.username, password: user.password } },
  } as any, { refresh: 'wait_for' } as any);
}

export async function startHarness(pluginConfig: Record<string, unknown> = {}): Promise<Harness> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'api-keys-console-'));
  const stack = await startStack({ pluginConfig: { lastUsedFlushInterval: 1000, ...pluginConfig }, verbose: process.env.STACK_VERBOSE === '1' });
  let browser: Browser | null = null;
  try {
    const admin = await stack.adminSdk();
    // default profile: rateLimit 0 (Kuzzle's default profile allows 10 requests/s, which a page load can exceed)
    await admin.security.createOrReplaceRole('console-self', SELF_ROLE as any, { force: true, refresh: 'wait_for' } as any);
    await admin.security.createOrReplaceProfile('console-self', { rateLimit: 0, policies: [{ roleId: 'console-self' }] } as any, { refresh: 'wait_for' } as any);
    await createUser(admin, SELF_USER, ['console-self']);
    await createUser(admin, OTHER_USER, ['console-self']);
    if (!(await admin.index.exists('shop'))) await admin.index.create('shop');
    for (const c of ['orders', 'products']) await admin.collection.create('shop', c, { mappings: { dynamic: 'true' } } as any);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    const b = browser;
    const url = `http://${stack.host}:${stack.port}`;
    const harness: Harness = {
      stack,
      browser: b,
      url,
      shots,
      admin,
      sdk: () => new Kuzzle(new Http(stack.host, { port: stack.port }) as any),
      async page(viewport = { width: 1280, height: 900 }) {
        const context = await b.newContext({ viewport });
        const page = await context.newPage();
        const consoleLines: string[] = [];
        const pageErrors: string[] = [];
        page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
        page.on('pageerror', (e) => pageErrors.push(String(e?.stack ?? e)));
        return {
          context, page, consoleLines, pageErrors,
          shot: async (name) => { await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true }); },
        };
      },
      async grantAnonymousConsole(grant) {
        const role = await admin.security.getRole('anonymous');
        const controllers = { ...(role.controllers as Record<string, unknown>) };
        if (grant) Object.assign(controllers, CONSOLE_GRANT);
        else delete controllers['api-keys/console'];
        // replace, not update: an update merges, so it could never take the grant away
        await admin.security.createOrReplaceRole('anonymous', { controllers } as any, { force: true, refresh: 'wait_for' } as any);
      },
      async close() {
        admin.disconnect();
        await b.close();
        await stack.stopStack();
      },
    };
    return harness;
  } catch (error) {
    if (browser) await browser.close();
    await stack.stopStack();
    throw error;
  }
}

/** Signs in through the page's username/password form. */
export async function signInWithPassword(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/_/api-keys/console`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
