/**
 * `npm run screenshots`: regenerates docs/console-*.png (the keys list, the create dialog with its once-shown secret,
 * a key's detail) from seeded keys on the real test stack. The page's clock is frozen and the seeded keys' times are
 * pinned relative to it (their real creation times vary with each run), in UTC, so the pictures only change when
 * the console does (the secret and fingerprints, random by design, excepted).
 */
import fs from 'fs';
import path from 'path';
import type { Page, Route } from 'playwright-core';
import { ADMIN } from '../stack';
import { signInWithPassword, startHarness } from './harness';

const FROZEN = Date.parse('2026-03-02T10:00:00Z');
const H = 3600e3;
const D = 24 * H;
const DOCS = path.resolve(__dirname, '..', '..', 'docs');

/** Seeded keys, oldest first (so that the real creation order matches the pinned one); times are offsets from the frozen clock. */
const SEED = [
  { _id: 'old-importer', name: 'Legacy importer', description: 'replaced by CI deploys', scopes: ['bulk:import@shop/*'], expiresIn: '1d',
    revoke: 'replaced by the CI key', times: { createdAt: -90 * D, lastUsedAt: -31 * D, expiresAt: 30 * D, revokedAt: -30 * D } },
  { _id: 'ci-deploy', name: 'CI deploys', description: 'GitHub Actions: publishes the shop catalogue', scopes: ['document:*@shop/products', 'bulk:import@shop/products'], expiresIn: '90d',
    ratelimits: [{ limit: 100, window: '1m' }], times: { createdAt: -20 * D, lastUsedAt: -2 * H, expiresAt: 70 * D } },
  { _id: 'trial', name: 'Trial partner', description: 'two-week evaluation', scopes: ['document:search@shop/products'], expiresIn: '1h',
    times: { createdAt: -16 * D, lastUsedAt: -3 * D, expiresAt: -2 * D } },
  { _id: 'mobile-app', name: 'Mobile app', description: 'realtime order notifications', scopes: ['realtime:subscribe@shop/orders'], expiresIn: '30d',
    credits: { remaining: 4200, refill: { amount: 5000, interval: 'daily' } }, times: { createdAt: -12 * D, lastUsedAt: -40 * 60e3, expiresAt: 18 * D } },
  { _id: 'orders-reader', name: 'Orders dashboard', description: 'read-only access for the BI dashboard', scopes: ['document:search@shop/orders', 'document:get@shop/orders'], expiresIn: '30d',
    allowedIps: ['203.0.113.0/24'], times: { createdAt: -6 * D, lastUsedAt: -5 * 60e3, expiresAt: 24 * D, rotatedAt: -1 * H, previousSecretExpiresAt: 23 * H } },
];

type Times = Record<string, number>;
const timesById = new Map<string, Times>(SEED.map((k) => [k._id, k.times as unknown as Times]));

function pin(key: { _id: string; _source: Record<string, unknown> }): void {
  const times = timesById.get(key._id);
  if (!times) return;
  for (const [field, offset] of Object.entries(times)) key._source[field] = FROZEN + offset;
  key._source.updatedAt = null;
  key._source.expired = (key._source.expiresAt as number) <= FROZEN;
}

/** An audit event of a seeded key happened at that key's pinned creation (or revocation). */
function pinEvent(event: Record<string, unknown>): void {
  const times = timesById.get(String(event.keyId));
  if (!times) return;
  event.at = FROZEN + (event.action === 'revoke' && times.revokedAt !== undefined ? times.revokedAt : times.createdAt);
}

/** Pins the seeded keys' times in the plugin's answers (search and get), leaving everything else as Kuzzle sent it. */
async function pinTimes(route: Route): Promise<void> {
  const response = await route.fetch();
  const body = await response.json();
  const result = body?.result;
  if (result && Array.isArray(result.hits)) result.hits.forEach((hit: any) => (hit._source?.action ? pinEvent(hit._source) : pin(hit)));
  else if (result && result._source) pin(result);
  await route.fulfill({ response, json: body });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(DOCS, `console-${name}.png`) });
  // eslint-disable-next-line no-console
  console.log(`docs/console-${name}.png`);
}

async function main(): Promise<void> {
  const hx = await startHarness();
  try {
    await hx.grantAnonymousConsole(true);
    for (const k of SEED) {
      const { _id, times, revoke, expiresIn, ...body } = k as typeof k & { revoke?: string };
      await hx.admin.query({ controller: 'api-keys/security', action: 'createApiKey', userId: ADMIN.kuid, _id, expiresIn, refresh: 'wait_for', body } as any);
      if (revoke) await hx.admin.query({ controller: 'api-keys/security', action: 'revokeApiKey', userId: ADMIN.kuid, _id, refresh: 'wait_for', body: { revocationReason: revoke } } as any);
    }
    fs.mkdirSync(DOCS, { recursive: true });
    const context = await hx.browser.newContext({ viewport: { width: 1280, height: 820 }, timezoneId: 'UTC', locale: 'en-US', colorScheme: 'light' });
    const page = await context.newPage();
    await page.clock.setFixedTime(FROZEN);
    await page.route(/\/_\/api-keys\/(users\/[^/]+|me)(\/[^/]+)?(\/_search)?(\?.*)?$/, pinTimes);
    await page.route(/\/_\/api-keys\/(me\/)?_audit\/_search(\?.*)?$/, pinTimes);
    await signInWithPassword(page, hx.url, ADMIN.username, ADMIN.password);
    await page.locator('.results[aria-busy=false]').waitFor();
    await shoot(page, 'list');

    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.locator('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('Staging deploys');
    await dialog.getByLabel('Scopes, one per line').fill('document:*@staging\nserver:now');
    await dialog.getByLabel('Expires in').selectOption('30d');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.locator('input[data-secret]').waitFor();
    await shoot(page, 'secret');
    await dialog.getByRole('button', { name: 'I have stored it, close' }).click();

    await page.getByRole('link', { name: 'Orders dashboard', exact: true }).click();
    await page.getByRole('heading', { name: 'Audit events' }).waitFor();
    await page.locator('.detail table.audit, .detail .empty').last().waitFor();
    await page.setViewportSize({ width: 1280, height: 1150 });
    await shoot(page, 'detail');
    await context.close();
  } finally {
    await hx.close();
  }
}

main().catch((error) => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
