import assert from 'assert';
import { Then } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { interpolate } from '../support/interpolate';

/** The audit hits, newest first, as `action keyId [cause]` lines (actor checked apart). */
Then('the audit hits are, newest first:', function (this: ApiKeysWorld, table: any) {
  if (this.error) assert.fail(`expected a result, got ${this.error.status} ${this.error.id}: ${this.error.message}`);
  const expected = (table.hashes() as Array<Record<string, string>>).map((row) => ({
    action: row.action,
    keyId: row.key === '' ? null : this.key(row.key)._id,
    cause: row.cause === '' ? null : row.cause,
  }));
  const actual = (this.result.hits as any[]).map((h) => ({ action: h._source.action, keyId: h._source.keyId, cause: h._source.cause }));
  assert.deepStrictEqual(actual, expected, JSON.stringify(this.result.hits, null, 1));
});

Then('every audit hit has actor {string} and key actor {string}', function (this: ApiKeysWorld, user: string, key: string) {
  assert.ifError(this.error);
  const userId = interpolate(this, user);
  const keyId = key === '' ? null : this.key(key)._id;
  for (const hit of this.result.hits) {
    assert.deepStrictEqual(hit._source.actor, { userId, keyId }, JSON.stringify(hit));
    assert.ok(typeof hit._source.requestId === 'string' && hit._source.requestId.length > 0, JSON.stringify(hit));
    assert.ok(typeof hit._source.ip === 'string', JSON.stringify(hit));
  }
});

Then('no audit hit holds a secret of {string}', function (this: ApiKeysWorld, aliases: string) {
  assert.ifError(this.error);
  const text = JSON.stringify(this.result);
  for (const alias of aliases.split(',').map((a) => a.trim())) {
    const { secret } = this.key(alias);
    assert.ok(!text.includes(secret) && !text.includes(secret.slice('kapikey-'.length)), `a secret of ${alias} is in ${text}`);
    assert.ok(!text.includes(this.key(alias).source.fingerprint), `the fingerprint of ${alias} is in the audit`);
  }
});

Then('the audit hits are sorted newest first', function (this: ApiKeysWorld) {
  assert.ifError(this.error);
  const times = (this.result.hits as any[]).map((h) => h._source.at);
  assert.deepStrictEqual(times, [...times].sort((a, b) => b - a));
});
