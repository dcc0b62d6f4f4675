/**
 * Browser tests of the key management console (issue 17): Debian's Chromium, driven by playwright-core, against
 * the real test stack. Run with `npm run test:browser`. Screenshots are written to a temporary folder (printed).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'fs';
import path from 'path';
import type { Page } from 'playwright-core';
import { Kuzzle } from 'kuzzle-sdk';
import { ADMIN } from '../stack';
import { Harness, OTHER_USER, SELF_USER, Watched, signInWithPassword, startHarness } from './harness';

let hx: Harness;
const watched: Watched[] = [];

async function newPage(viewport?: { width: number; height: number }): Promise<Watched> {
  const w = await hx.page(viewport);
  watched.push(w);
  return w;
}

async function get(pathname: string): Promise<Response> {
  return fetch(`${hx.url}${pathname}`);
}

/** Runs a query with a fresh kuzzle-sdk client authenticated by `authenticate`; resolves to the error id, or 'ok'. */
async function queryWith(authenticate: (sdk: Kuzzle) => Promise<unknown>, request: Record<string, unknown>): Promise<string> {
  const sdk: Kuzzle = hx.sdk();
  await sdk.connect();
  try {
    await authenticate(sdk);
    await sdk.query(request as any);
    return 'ok';
  } catch (error) {
    return String((error as { id?: string }).id ?? error);
  } finally {
    sdk.disconnect();
  }
}

/** A request as a user signed in with their password. */
function useAs(user: { username: string; password: string }, request: Record<string, unknown>): Promise<string> {
  return queryWith((sdk) => sdk.auth.login('local', { username: user.username, password: user.password }), request);
}

/** A request authenticated by an API key's secret. */
function useKey(secret: string, request: Record<string, unknown>): Promise<string> {
  return queryWith(async (sdk) => { sdk.setAPIKey(secret); }, request);
}

async function storageDump(page: Page): Promise<string> {
  return page.evaluate('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })') as Promise<string>;
}

/** Reads the once-shown secret from the open dialog. */
async function readSecret(page: Page): Promise<string> {
  const input = page.locator('dialog input[data-secret]');
  await input.waitFor();
  const secret = await input.inputValue();
  assert.match(secret, /^kapikey-/);
  return secret;
}

async function closeSecret(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'I have stored it, close' }).click();
  await page.locator('dialog').waitFor({ state: 'detached' });
}

async function assertNoLeak(w: Watched, secret: string): Promise<void> {
  assert.ok(!w.page.url().includes(secret), 'the secret is not in the URL');
  assert.ok(!(await storageDump(w.page)).includes(secret), 'the secret is not in localStorage or sessionStorage');
  assert.ok(!(await w.page.content()).includes(secret), 'the secret left the page once its dialog closed');
  assert.ok(!w.consoleLines.some((l) => l.includes(secret)), 'the secret is not in the console output');
}

async function openKey(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
}

async function axe(page: Page, label: string): Promise<void> {
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const result = await page.evaluate(`axe.run(document, { runOnly: { type: 'rule', values: ['label', 'button-name', 'color-contrast'] } })
    .then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '')).join(' | ')))`) as string[];
  assert.deepEqual(result, [], `axe violations (${label})`);
}

async function noHorizontalScroll(page: Page, label: string): Promise<void> {
  const [scroll, client] = await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]') as [number, number];
  assert.ok(scroll <= client, `${label}: no horizontal scroll at 390 px (scrollWidth ${scroll} > ${client})`);
}

before(async () => {
  hx = await startHarness();
  // eslint-disable-next-line no-console
  console.log(`[browser] Kuzzle at ${hx.url}; screenshots in ${hx.shots}`);
}, { timeout: 240_000 });

after(async () => {
  if (hx) await hx.close();
});

describe('serving', () => {
  it('answers 401 without the anonymous grant, 200 with it', async () => {
    await hx.grantAnonymousConsole(false);
    const denied = await get('/_/api-keys/console');
    assert.equal(denied.status, 401);
    await hx.grantAnonymousConsole(true);
    assert.equal((await get('/_/api-keys/console')).status, 200);
  });

  it('sends the page and its assets with the security headers and their content types', async () => {
    for (const [pathname, type] of [
      ['/_/api-keys/console', 'text/html'],
      ['/_/api-keys/console/assets/console.js', 'text/javascript'],
      ['/_/api-keys/console/assets/console.css', 'text/css'],
    ]) {
      const res = await get(pathname);
      assert.equal(res.status, 200, pathname);
      assert.ok(res.headers.get('content-type')?.startsWith(type), `${pathname}: ${res.headers.get('content-type')}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
        assert.ok(csp.includes(directive), `${pathname}: CSP has ${directive}: ${csp}`);
      }
      assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    }
    const html = await (await get('/_/api-keys/console')).text();
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), 'no inline script');
  });

  it('serves only the allowlisted assets', async () => {
    for (const file of ['index.html', '..%2F..%2Fpackage.json', '..%2Fconsole.js', 'console.js.map', 'x.js']) {
      const res = await get(`/_/api-keys/console/assets/${file}`);
      assert.equal(res.status, 404, file);
    }
  });
});

describe('as an administrator', () => {
  let w: Watched;
  let secret = '';
  let keyId = '';

  it('signs in and creates a scoped key with an expiry and a rate limit; the secret is shown once', async () => {
    w = await newPage();
    await signInWithPassword(w.page, hx.url, ADMIN.username, ADMIN.password);
    await w.page.getByRole('button', { name: 'Create key' }).click();
    const dialog = w.page.locator('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('ci-deploy');
    await dialog.getByLabel('Description (optional)').fill('deploys the shop');
    // the builder: controller and action from server:publicApi, index and collection from index:list / collection:list
    await dialog.getByLabel('Controller').selectOption('document');
    await dialog.getByLabel('Action').selectOption('search');
    await dialog.getByLabel('Index').selectOption('shop');
    await dialog.getByLabel('Collection').selectOption('orders');
    await dialog.getByRole('button', { name: 'Add scope' }).click();
    const scopes = dialog.getByLabel('Scopes, one per line');
    assert.equal(await scopes.inputValue(), 'document:search@shop/orders');
    // the raw text, validated as you type
    await scopes.fill('document:search@shop/orders\nserver:now@shop');
    await dialog.getByText('server:now never touches an index').waitFor();
    await scopes.fill('document:search@shop/orders\nserver:now');
    assert.equal(await scopes.getAttribute('aria-invalid'), null);
    await dialog.getByLabel('Expires in').selectOption('1d');
    await dialog.getByRole('button', { name: 'Add rate limit' }).click();
    await dialog.getByLabel('Requests').fill('100');
    await dialog.getByLabel('per window').fill('1m');
    await dialog.getByLabel('Claims (JSON object, optional)').fill('{"plan": ');
    await dialog.getByText('Not valid JSON').waitFor();
    await dialog.getByLabel('Claims (JSON object, optional)').fill('{"plan": "pro"}');
    const started = Date.now();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    secret = await readSecret(w.page);
    await dialog.getByText('It is shown only once').waitFor();
    await dialog.getByRole('button', { name: 'Copy secret' }).waitFor();
    await w.shot('admin-secret');
    assert.ok(!w.page.url().includes(secret));
    assert.ok(!(await storageDump(w.page)).includes(secret), 'not in storage while shown');
    await closeSecret(w.page);
    await assertNoLeak(w, secret);

    const { hits } = (await hx.admin.query({ controller: 'api-keys/security', action: 'searchApiKeys', userId: 'admin', query: 'ci-deploy', body: {} } as any)).result as any;
    assert.equal(hits.length, 1);
    keyId = hits[0]._id;
    const source = hits[0]._source;
    assert.deepEqual(source.scopes, ['document:search@shop/orders', 'server:now']);
    assert.deepEqual(source.claims, { plan: 'pro' });
    assert.ok(Math.abs(source.expiresAt - (started + 24 * 3600e3)) < 60e3, 'expires in a day');
    assert.deepEqual(source.ratelimits?.map((r: { limit: number }) => r.limit), [100], `rate limit stored: ${JSON.stringify(source.ratelimits)}`);
  });

  it('the secret works through kuzzle-sdk, within its scopes only', async () => {
    assert.equal(await useKey(secret, { controller: 'document', action: 'search', index: 'shop', collection: 'orders', body: {} }), 'ok');
    assert.equal(await useKey(secret, { controller: 'server', action: 'now' }), 'ok');
    assert.equal(await useKey(secret, { controller: 'document', action: 'search', index: 'shop', collection: 'products', body: {} }), 'plugin.api-keys.scope_denied');
    assert.equal(await useKey(secret, { controller: 'server', action: 'info' }), 'plugin.api-keys.scope_denied');
  });

  it('lists the key and shows its detail', async () => {
    const row = w.page.getByRole('row').filter({ hasText: 'ci-deploy' });
    await row.waitFor();
    await row.getByText('Valid').waitFor();
    await row.getByText('document:search@shop/orders').waitFor();
    await w.page.getByText(/1–\d+ of \d+/).waitFor();
    await openKey(w.page, 'ci-deploy');
    await w.page.getByText('"plan": "pro"').waitFor();
    await w.page.getByRole('row').filter({ hasText: 'create' }).filter({ hasText: 'admin' }).waitFor();
    await w.shot('admin-detail');
    await w.page.getByText('Rate limits: 100 per 1m').waitFor({ timeout: 2000 });
  });

  it('rotates: the new secret works, the old one is refused', async () => {
    await w.page.getByRole('button', { name: 'Rotate secret' }).click();
    await w.page.locator('dialog').getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await readSecret(w.page);
    assert.notEqual(rotated, secret);
    await closeSecret(w.page);
    await assertNoLeak(w, rotated);
    assert.equal(await useKey(rotated, { controller: 'server', action: 'now' }), 'ok');
    assert.notEqual(await useKey(secret, { controller: 'server', action: 'now' }), 'ok');
    secret = rotated;
  });

  it('revokes behind a confirmation: the next SDK request is refused', async () => {
    await w.page.getByRole('button', { name: 'Revoke' }).click();
    const dialog = w.page.locator('dialog');
    await dialog.getByLabel('Reason (optional)').fill('leaked in a CI log');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await w.page.locator('.detail-head .badge', { hasText: 'Revoked' }).waitFor();
    await w.page.getByText('leaked in a CI log').waitFor();
    assert.equal(await useKey(secret, { controller: 'server', action: 'now' }), 'plugin.api-keys.revoked');
  });

  it('deletes behind type-to-confirm: the key is gone', async () => {
    await w.page.getByRole('button', { name: 'Delete' }).click();
    const dialog = w.page.locator('dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete key' });
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByLabel('Type "ci-deploy" to confirm').fill('ci-deplo');
    assert.equal(await confirm.isDisabled(), true);
    await dialog.getByLabel('Type "ci-deploy" to confirm').fill('ci-deploy');
    await confirm.click();
    await w.page.getByRole('heading', { name: 'Your API keys' }).waitFor();
    await w.page.locator('.results[aria-busy=false]').waitFor();
    assert.equal(await w.page.getByRole('link', { name: 'ci-deploy', exact: true }).count(), 0);
    const gone = await hx.admin.query({ controller: 'api-keys/security', action: 'getApiKey', userId: 'admin', _id: keyId } as any).catch((e) => e);
    assert.equal(gone.id, 'plugin.api-keys.not_found');
    assert.equal(await useKey(secret, { controller: 'server', action: 'now' }), 'security.token.invalid');
  });

  it('manages another user\'s keys through the user picker', async () => {
    await w.page.getByLabel('Manage the keys of user').fill(OTHER_USER.kuid);
    await w.page.getByRole('button', { name: 'Show keys' }).click();
    await w.page.getByRole('heading', { name: `API keys of ${OTHER_USER.kuid}` }).waitFor();
  });
});

describe('as a self-service user', () => {
  it('sees only their own keys, with no user picker, and cannot reach another user\'s key', async () => {
    const own = (await hx.admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: SELF_USER.kuid, body: { name: 'alice-laptop' } } as any)).result as any;
    const other = (await hx.admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: OTHER_USER.kuid, refresh: 'wait_for', body: { name: 'bob-secret-project' } } as any)).result as any;
    const w = await newPage();
    await signInWithPassword(w.page, hx.url, SELF_USER.username, SELF_USER.password);
    await w.page.getByRole('link', { name: 'alice-laptop' }).waitFor();
    assert.equal(await w.page.getByText('bob-secret-project').count(), 0);
    assert.equal(await w.page.getByLabel('Manage the keys of user').count(), 0, 'no user picker');
    // another user's route is not even rendered for a self-service user: back to their own keys
    await w.page.evaluate(`location.hash = '#/users/${OTHER_USER.kuid}/keys/${other._id}'`);
    await w.page.waitForFunction("location.hash === '#/'");
    await w.page.getByRole('heading', { name: 'Your API keys' }).waitFor();
    assert.equal(await w.page.getByText(`API keys of ${OTHER_USER.kuid}`).count(), 0);
    // and the server refuses it anyway (the page does not hide a hole)
    assert.equal(await useAs(SELF_USER, { controller: 'api-keys/security', action: 'getApiKey', userId: OTHER_USER.kuid, _id: other._id }), 'security.rights.forbidden');
    await w.page.evaluate(`location.hash = '#/me/keys/${other._id}'`);
    await w.page.getByRole('alert').getByText('plugin.api-keys.not_found').waitFor();
    assert.equal(await w.page.getByText('bob-secret-project').count(), 0);
    await w.shot('self-service');
    // logout, then a pasted API key: signed in as its user, and logout just forgets it
    await w.page.getByRole('button', { name: 'Sign out' }).click();
    await w.page.getByLabel('Token or API key').fill(own._source.token);
    await w.page.getByRole('button', { name: 'Continue' }).click();
    await w.page.getByText('(pasted token)').waitFor();
    assert.ok(!(await storageDump(w.page)).includes(own._source.token), 'a pasted key is never stored');
    await w.page.getByRole('button', { name: 'Sign out' }).click();
    await w.page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await useKey(own._source.token, { controller: 'server', action: 'now' }), 'ok', 'logout did not revoke the pasted key');
    assert.equal(await storageDump(w.page), '{"local":{},"session":{}}');
  });
});

describe('accessibility and layout', () => {
  it('passes axe-core label, button-name and color-contrast in light and dark mode', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const w = await newPage();
      await w.page.emulateMedia({ colorScheme });
      await w.page.goto(`${hx.url}/_/api-keys/console`);
      await w.page.getByLabel('Username').waitFor();
      await axe(w.page, `${colorScheme} sign-in`);
      await signInWithPassword(w.page, hx.url, ADMIN.username, ADMIN.password);
      await hx.admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: 'admin', refresh: 'wait_for', body: { name: `a11y-${colorScheme}`, scopes: ['server:now'] } } as any);
      await w.page.reload();
      await w.page.getByRole('link', { name: `a11y-${colorScheme}` }).waitFor();
      await axe(w.page, `${colorScheme} list`);
      await w.page.getByRole('button', { name: 'Create key' }).click();
      await w.page.getByLabel('Controller').locator('option', { hasText: 'document' }).waitFor({ state: 'attached' });
      await axe(w.page, `${colorScheme} create dialog`);
      await w.page.keyboard.press('Escape');
      await openKey(w.page, `a11y-${colorScheme}`);
      await axe(w.page, `${colorScheme} detail`);
      await w.shot(`detail-${colorScheme}`);
    }
  });

  it('has no horizontal scroll at 390×844', async () => {
    const w = await newPage({ width: 390, height: 844 });
    await w.page.goto(`${hx.url}/_/api-keys/console`);
    await w.page.getByLabel('Username').waitFor();
    await noHorizontalScroll(w.page, 'sign-in');
    await signInWithPassword(w.page, hx.url, ADMIN.username, ADMIN.password);
    await w.page.locator('.results[aria-busy=false]').waitFor();
    await noHorizontalScroll(w.page, 'list');
    await w.shot('mobile-list');
    await w.page.getByRole('button', { name: 'Create key' }).click();
    await noHorizontalScroll(w.page, 'create dialog');
    await w.page.keyboard.press('Escape');
    await w.page.getByRole('link', { name: /^a11y-/ }).first().click();
    await w.page.getByRole('heading', { name: 'Audit events' }).waitFor();
    await noHorizontalScroll(w.page, 'detail');
    await w.shot('mobile-detail');
  });

  it('creates a key with the keyboard only', async () => {
    const w = await newPage();
    await signInWithPassword(w.page, hx.url, ADMIN.username, ADMIN.password);
    await w.page.locator('.results[aria-busy=false]').waitFor();
    const focused = () => w.page.evaluate('document.activeElement ? (document.activeElement.textContent || "").trim() + "|" + (document.activeElement.getAttribute("type") || "") : ""') as Promise<string>;
    const tabTo = async (text: string) => {
      for (let i = 0; i < 60; i++) {
        if ((await focused()).startsWith(`${text}|`)) return;
        await w.page.keyboard.press('Tab');
      }
      assert.fail(`Tab never reached "${text}"`);
    };
    await tabTo('Create key');
    await w.page.keyboard.press('Enter');
    await w.page.keyboard.type('keyboard-made');
    await w.page.keyboard.press('Tab'); // description
    await w.page.keyboard.press('Tab'); // the access radio group
    await w.page.keyboard.press('ArrowDown'); // "All of the user's rights"
    await tabTo('Create key');
    await w.page.keyboard.press('Enter');
    const secret = await readSecret(w.page);
    await tabTo('I have stored it, close');
    await w.page.keyboard.press('Enter');
    await w.page.locator('dialog').waitFor({ state: 'detached' });
    await w.page.getByRole('link', { name: 'keyboard-made' }).waitFor();
    await assertNoLeak(w, secret);
  });
});

describe('leaks and errors', () => {
  it('a crafted ?debugKuzzleSdk link does not make kuzzle-sdk log the password, the token or a new secret', async () => {
    const w = await newPage();
    await w.page.goto(`${hx.url}/_/api-keys/console?debugKuzzleSdk`);
    assert.equal(await w.page.evaluate('location.search'), '', 'the query string is dropped at once');
    await w.page.getByLabel('Username').fill(SELF_USER.username);
    await w.page.getByLabel('Password').fill(SELF_USER.password);
    await w.page.getByRole('button', { name: 'Sign in' }).click();
    await w.page.getByRole('button', { name: 'Sign out' }).waitFor();
    const jwt = String(await w.page.evaluate(`sessionStorage.getItem('kuzzle-api-keys-console/session')`));
    const lines = w.consoleLines.join('\n');
    assert.ok(!lines.includes(SELF_USER.password), `the password was logged: ${lines}`);
    assert.ok(jwt.length > 20 && !lines.includes(jwt), 'the session token was logged');
  });

  it('no page had an uncaught error, and no console line held a secret', () => {
    for (const w of watched) assert.deepEqual(w.pageErrors, []);
    const lines = watched.flatMap((w) => w.consoleLines);
    assert.ok(!lines.some((l) => /kapikey-/.test(l)), `console: ${lines.join('\n')}`);
  });
});

describe('configuration', () => {
  it('console: false leaves the routes unregistered (404)', async () => {
    await hx.stack.restartKuzzle({ pluginConfig: { lastUsedFlushInterval: 1000, console: false } });
    assert.equal((await get('/_/api-keys/console')).status, 404);
    assert.equal((await get('/_/api-keys/console/assets/console.js')).status, 404);
    assert.ok(fs.existsSync(path.join(hx.shots)));
  });
});
