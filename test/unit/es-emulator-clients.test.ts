/**
 * The Elasticsearch emulator driven by the official clients Kuzzle uses (@elastic/elasticsearch 7.13
 * as `sdk-es7`, 8.17 as `sdk-es8`), with the calls and shapes Kuzzle's storage layers rely on.
 */
import { Client as Client7 } from 'sdk-es7';
import { Client as Client8 } from 'sdk-es8';
import { EsEmulator } from '../stack/es-emulator';

describe('EsEmulator with the official clients', () => {
  let emu: EsEmulator;

  beforeEach(async () => {
    emu = new EsEmulator({ refreshIntervalMs: 60_000 });
    await emu.start(0);
  });

  afterEach(async () => {
    await emu.stop();
  });

  it('serves the ES 7 client like Elasticsearch 7.17', async () => {
    const client = new Client7({ node: emu.url });
    try {
      const { body: info } = await client.info();
      expect(info.version.number).toMatch(/^7\.17\./);
      await client.indices.create({
        index: '%plugin-api-keys.keys',
        body: { aliases: { '@%plugin-api-keys.keys': {} }, mappings: { dynamic: 'strict', properties: { userId: { type: 'keyword' }, name: { type: 'text' } } } },
      });
      expect((await client.indices.exists({ index: '%plugin-api-keys.keys' })).body).toBe(true);
      expect((await client.indices.existsAlias({ name: '@%plugin-api-keys.keys' })).body).toBe(true);
      const { body: aliases } = await client.cat.aliases({ format: 'json' });
      expect(aliases).toEqual([expect.objectContaining({ alias: '@%plugin-api-keys.keys', index: '%plugin-api-keys.keys' })]);

      const { body: created } = await client.index({ index: '@%plugin-api-keys.keys', id: 'k1', op_type: 'create', refresh: 'wait_for', body: { userId: 'u1', name: 'first key' } });
      expect(created).toMatchObject({ _index: '%plugin-api-keys.keys', _type: '_doc', result: 'created' });
      const { body: got } = await client.get({ index: '@%plugin-api-keys.keys', id: 'k1' });
      expect(got).toMatchObject({ _type: '_doc', _version: 1, _source: { userId: 'u1' } });
      expect((await client.exists({ index: '@%plugin-api-keys.keys', id: 'nope' })).body).toBe(false);

      const conflict = await client.index({ index: '@%plugin-api-keys.keys', id: 'k1', op_type: 'create', body: { userId: 'u1' } }).catch((e) => e);
      expect(conflict.meta.statusCode).toBe(409);
      expect(conflict.meta.body.error.reason).toBe('[k1]: version conflict, document already exists (current version [1])');
      const strict = await client.index({ index: '@%plugin-api-keys.keys', body: { other: 1 } }).catch((e) => e);
      expect(strict.meta.body.error.reason).toBe('mapping set to strict, dynamic introduction of [other] within [_doc] is not allowed');

      const { body: updated } = await client.update({ index: '@%plugin-api-keys.keys', id: 'k1', _source: 'true', retry_on_conflict: 3, body: { doc: { name: 'renamed' } } } as any);
      expect(updated.get._source).toEqual({ userId: 'u1', name: 'renamed' });

      const bulkBody = Array.from({ length: 30 }, (_, i) => [{ index: { _index: '@%plugin-api-keys.keys', _id: `b${i}` } }, { userId: 'u2', name: `bulk ${i}` }]).flat();
      const { body: bulk } = await client.bulk({ body: bulkBody, refresh: 'wait_for' });
      expect(bulk.errors).toBe(false);

      const { body: first } = await client.search({ index: '@%plugin-api-keys.keys', scroll: '10s', size: 20, trackTotalHits: true, body: { query: { term: { userId: 'u2' } } } } as any);
      expect(first.hits.total).toEqual({ value: 30, relation: 'eq' });
      const { body: second } = await client.scroll({ scroll: '10s', scroll_id: first._scroll_id } as any);
      expect(second.hits.hits).toHaveLength(10);
      expect((await client.clearScroll({ scroll_id: first._scroll_id } as any)).body.num_freed).toBe(1);

      const { body: count } = await client.count({ index: '@%plugin-api-keys.keys', body: { query: { match: { name: 'bulk' } } } });
      expect(count.count).toBe(30);
      const { body: dbq } = await client.deleteByQuery({ index: '@%plugin-api-keys.keys', body: { query: { term: { userId: 'u2' } } }, refresh: true, size: 10 } as any);
      expect(dbq.deleted).toBe(10);
    } finally {
      await client.close();
    }
  });

  it('serves the ES 8 client like Elasticsearch 8 (compatible-with=8)', async () => {
    const client = new Client8({ node: emu.url });
    try {
      const info = await client.info();
      expect(info.version.number).toMatch(/^8\./);
      await client.indices.create({
        index: '&shop.orders',
        aliases: { '@&shop.orders': {} },
        mappings: { dynamic: 'strict', properties: { code: { type: 'keyword' }, n: { type: 'long' } } },
        wait_for_active_shards: 1,
      });
      const created = await client.index({ index: '@&shop.orders', id: 'o1', op_type: 'create', refresh: 'wait_for', document: { code: 'A', n: 1 } });
      expect(created).not.toHaveProperty('_type');
      const got = await client.get({ index: '@&shop.orders', id: 'o1' });
      expect(got).toMatchObject({ _index: '&shop.orders', _id: 'o1', found: true });
      expect(got).not.toHaveProperty('_type');

      const strict = await client.index({ index: '@&shop.orders', document: { other: 1 } }).catch((e) => e);
      expect(strict.meta.statusCode).toBe(400);
      expect(strict.meta.body.error.reason).toMatch(/^\[\d+:\d+\] mapping set to strict, dynamic introduction of \[other\] within \[_doc\] is not allowed$/);

      const bulk = await client.bulk({ operations: [{ index: { _index: '@&shop.orders', _id: 'o2' } }, { code: 'B', n: 2 }, { update: { _index: '@&shop.orders', _id: 'o9' } }, { doc: { n: 3 } }], refresh: 'wait_for' });
      expect(bulk.errors).toBe(true);
      expect(bulk.items[1].update?.error?.reason).toBe('[o9]: document missing');

      const mget = await client.mget({ docs: [{ _index: '@&shop.orders', _id: 'o1' }, { _index: '@&shop.orders', _id: 'zz' }] });
      expect(mget.docs.map((d: any) => d.found)).toEqual([true, false]);

      const result = await client.search({ index: '@&shop.orders', query: { range: { n: { gte: 1 } } }, sort: [{ n: 'desc' }], track_total_hits: true, from: 0, size: 10 });
      expect(result.hits.total).toEqual({ value: 2, relation: 'eq' });
      expect(result.hits.hits.map((h) => h._id)).toEqual(['o2', 'o1']);

      const ubq = await client.updateByQuery({ index: '@&shop.orders', conflicts: 'proceed', refresh: true, wait_for_completion: false });
      expect(ubq.task).toEqual(expect.any(String));
      const dbq = await client.deleteByQuery({ index: '@&shop.orders', query: { match_all: {} }, max_docs: 1, refresh: true });
      expect(dbq.deleted).toBe(1);
      expect((await client.count({ index: '@&shop.orders' })).count).toBe(1);

      const aliases = await client.cat.aliases({ format: 'json' });
      expect(aliases).toEqual([expect.objectContaining({ alias: '@&shop.orders', index: '&shop.orders' })]);
      const mapping = await client.indices.getMapping({ index: '&shop.orders' });
      expect(mapping['&shop.orders'].mappings.dynamic).toBe('strict');
    } finally {
      await client.close();
    }
  });

  it('lets a fault make the ES 8 client fail', async () => {
    const client = new Client8({ node: emu.url, maxRetries: 0 });
    try {
      emu.injectFault({ mode: 'fail', kind: 'admin' });
      const error = await client.info().catch((e) => e);
      expect(error.meta.statusCode).toBe(500);
      emu.clearFaults();
      expect((await client.info()).version.number).toMatch(/^8\./);
    } finally {
      await client.close();
    }
  });
});
