import assert from 'assert';
import { createHash } from 'crypto';
import { Then, When } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { theStack } from '../support/stack';

const KEYS_ALIAS = encodeURIComponent('@%plugin-api-keys.keys');
const REVOCATIONS_ALIAS = encodeURIComponent('@%plugin-api-keys.revocations');

export function storageId(userId: string, keyId: string): string {
  return `${createHash('sha256').update(userId).digest('hex')}:${keyId}`;
}

async function es(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${theStack().esUrl}${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** A failure mid-cascade, simulated through storage: the key's document is gone, nothing else is. */
When('the storage loses the key document of {string}', async function (this: ApiKeysWorld, alias: string) {
  const key = this.key(alias);
  const res = await es('DELETE', `/${KEYS_ALIAS}/_doc/${encodeURIComponent(storageId(key.userId, key._id))}?refresh=true`);
  assert.strictEqual(res.status, 200, `positive control: the document existed (${JSON.stringify(res.json)})`);
});

/** Rewrites keys as version 0.1 stored them: document id = key id, no uid nor parentUid. */
When('the keys {string} are rewritten in the 0.1 storage format', async function (this: ApiKeysWorld, aliases: string) {
  for (const alias of aliases.split(',').map((a) => a.trim())) {
    const key = this.key(alias);
    const newId = encodeURIComponent(storageId(key.userId, key._id));
    const doc = await es('GET', `/${KEYS_ALIAS}/_doc/${newId}`);
    assert.strictEqual(doc.status, 200, `positive control: ${alias} is stored under its per-user id`);
    const { uid, parentUid, ...legacy } = doc.json._source;
    assert.ok(uid, 'positive control: the current format has a uid');
    void parentUid;
    assert.strictEqual((await es('PUT', `/${KEYS_ALIAS}/_doc/${encodeURIComponent(key._id)}?refresh=true`, legacy)).status < 300, true);
    assert.strictEqual((await es('DELETE', `/${KEYS_ALIAS}/_doc/${newId}?refresh=true`)).status, 200);
    const revocation = await es('GET', `/${REVOCATIONS_ALIAS}/_doc/${newId}`);
    if (revocation.status === 200) {
      await es('PUT', `/${REVOCATIONS_ALIAS}/_doc/${encodeURIComponent(key._id)}?refresh=true`, revocation.json._source);
      await es('DELETE', `/${REVOCATIONS_ALIAS}/_doc/${newId}?refresh=true`);
    }
  }
});

/**
 * Kuzzle writes its logs from a worker thread (pino transports): a line may reach the output a moment after Kuzzle
 * says it is ready, more so on a busy machine. Wait for it (up to 5 s), then count.
 */
When('Kuzzle\'s log contains {string} {int} time(s)', async function (this: ApiKeysWorld, text: string, times: number) {
  const count = () => theStack().logs().split(text).length - 1;
  const deadline = Date.now() + 5000;
  while (count() < times && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const logs = theStack().logs();
  const near = logs.split('\n').filter((line) => line.includes(text.split(' ')[0])).slice(-5).join('\n');
  assert.strictEqual(count(), times, `"${text}" in Kuzzle's output; its last lines with "${text.split(' ')[0]}":\n${near}`);
});

When('{string} created {int} children', async function (this: ApiKeysWorld, who: string, n: number) {
  const { actor } = await import('./common.steps');
  const sdk = await actor(this, who);
  for (let i = 0; i < n; i++) {
    await sdk.query({ controller: 'api-keys/auth', action: 'createApiKey', body: { name: `child-${i}` } } as any);
  }
});

When('the open scrolls are counted', function (this: ApiKeysWorld) {
  this.vars.set('openScrolls', theStack().emulator.openScrolls());
});

Then('no scroll was left open since they were counted', function (this: ApiKeysWorld) {
  assert.strictEqual(theStack().emulator.openScrolls(), this.vars.get('openScrolls'));
});
