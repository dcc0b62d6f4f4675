/** The internal sessions of keys, as Redis holds them, and what Kuzzle's output shows. */
import assert from 'assert';
import { Then, When } from '@cucumber/cucumber';
import type { ApiKeysWorld } from '../support/world';
import { kuzzleAddress, theStack } from '../support/stack';
import { redisCommand } from '../../test/stack/resp';
import { splitAction } from './common.steps';

async function sessionsOf(world: ApiKeysWorld, user: string): Promise<string[]> {
  return (await redisCommand(theStack().redisPort, ['KEYS', `repos/kuzzle/token/${world.kuid(user)}#kauth-*`])) as string[];
}

When('{string} calls {string} every {int} ms until key {string} has expired, counting the sessions of {string}',
  { timeout: 120 * 1000 }, async function (this: ApiKeysWorld, who: string, name: string, every: number, alias: string, user: string) {
    const sdk = await this.keyClient(this.key(who.slice(4)).secret);
    const expiresAt = this.key(alias).source.expiresAt;
    const counts: number[] = [];
    while (Date.now() < expiresAt - 50) {
      await sdk.query({ ...splitAction(name) } as any).catch(() => undefined);
      counts.push((await sessionsOf(this, user)).length);
      await new Promise((r) => setTimeout(r, every));
    }
    this.vars.set('sessionCounts', counts);
    const wait = expiresAt - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  });

Then('there were at least {int} and at most {int} sessions of {string} at any time', function (this: ApiKeysWorld, lo: number, hi: number, _user: string) {
  const counts: number[] = this.vars.get('sessionCounts');
  assert.ok(counts.length > 5, 'positive control: sampled');
  assert.ok(Math.max(...counts) >= lo, `sessions: ${counts.join(',')}`);
  assert.ok(Math.max(...counts) <= hi, `sessions: ${counts.join(',')}`);
});

Then('{string} has no session left in Redis', async function (this: ApiKeysWorld, user: string) {
  assert.deepStrictEqual(await sessionsOf(this, user), []);
});

When('{string} calls {string} every {int} ms for {int} ms, watching the sessions of {string}', { timeout: 120 * 1000 },
  async function (this: ApiKeysWorld, who: string, name: string, every: number, total: number, user: string) {
    const sdk = await this.keyClient(this.key(who.slice(4)).secret);
    const until = Date.now() + total;
    const failures: string[] = [];
    let longest = 0;
    let calls = 0;
    while (Date.now() < until) {
      await sdk.query({ ...splitAction(name) } as any).then(() => undefined, (e: any) => failures.push(`${e.status} ${e.id}`));
      calls++;
      for (const key of await sessionsOf(this, user)) {
        longest = Math.max(longest, Number(await redisCommand(theStack().redisPort, ['PTTL', key])));
      }
      await new Promise((r) => setTimeout(r, every));
    }
    this.vars.set('watch', { failures, longest, calls });
  });

Then('every call succeeded and no session of {string} had more than {int} ms to live', function (this: ApiKeysWorld, _user: string, ms: number) {
  const { failures, longest, calls } = this.vars.get('watch');
  assert.ok(calls > 20, 'positive control: steady traffic');
  assert.deepStrictEqual(failures, []);
  assert.ok(longest > 0, 'positive control: sessions were seen');
  assert.ok(longest <= ms, `a session had ${longest} ms to live`);
});

When('Kuzzle restarts with the Kuzzle configuration:', { timeout: 120 * 1000 }, async function (this: ApiKeysWorld, doc: string) {
  // the next scenarios run without it, even if this one fails
  this.cleanups.push(() => theStack().restartKuzzle({ kuzzleConfig: {} }));
  // the output is kept across restarts: what earlier scenarios made Kuzzle print is not this scenario's
  this.vars.set('logsFrom', theStack().logs().length);
  await theStack().restartKuzzle({ kuzzleConfig: JSON.parse(doc) });
  for (const alias of [...this.named.keys()]) this.named.delete(alias);
  this.admin = await this.adminClient();
});

/** what Kuzzle printed since this scenario restarted it (all of it if it did not) */
function scenarioLogs(world: ApiKeysWorld): string {
  return theStack().logs().slice(world.vars.get('logsFrom') ?? 0);
}

Then('Kuzzle\'s access log shows the marker of key {string}', function (this: ApiKeysWorld, alias: string) {
  const { createHash } = require('crypto');
  const marker = `kapikey-${createHash('sha256').update(this.key(alias).secret).digest('hex').slice(0, 8)}`;
  const logs = scenarioLogs(this);
  assert.ok(logs.includes(marker), `positive control: the access log printed requests of key ${alias} (${marker})`);
});

Then('Kuzzle\'s output contains no internal session and no secret of keys {string}', function (this: ApiKeysWorld, aliases: string) {
  const logs = scenarioLogs(this);
  assert.ok(logs.includes('kuzzle:accessLogs'), 'positive control: the logstash access log is on');
  // login tokens of this scenario's clients (the admin's) are Kuzzle's to print; any other kauth- is a key's session
  const logins = new Set(this.clients.map((sdk) => (sdk as any).jwt).filter((j: unknown) => typeof j === 'string' && j.startsWith('kauth-')));
  const sessions = (logs.match(/kauth-[A-Za-z0-9_.-]+/g) ?? []).filter((jwt) => !logins.has(jwt));
  assert.ok(logins.size > 0, 'positive control: login tokens are known');
  assert.deepStrictEqual([...new Set(sessions)], [], 'an internal session is in the output');
  for (const alias of aliases.split(',').map((a) => a.trim())) {
    const bare = this.key(alias).secret.slice('kapikey-'.length);
    assert.ok(!logs.includes(bare), `the secret of ${alias} is in the output`);
  }
});

Then('Kuzzle\'s output contains the secret of key {string}', function (this: ApiKeysWorld, alias: string) {
  assert.ok(scenarioLogs(this).includes(this.key(alias).secret.slice('kapikey-'.length)));
});

When('the secret of key {string} is sent in the authToken cookie to {string} {string}', async function (this: ApiKeysWorld, alias: string, verb: string, path: string) {
  const { host, port } = kuzzleAddress();
  const response = await fetch(`http://${host}:${port}${path}`, { method: verb, headers: { cookie: `authToken=${this.key(alias).secret}` } });
  const json: any = await response.json();
  this.result = json.error ? null : json.result;
  this.error = json.error ? { ...json.error, status: json.status ?? response.status } : null;
});
