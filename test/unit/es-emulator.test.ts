/**
 * The Elasticsearch emulator over HTTP: near-real-time visibility, document APIs and their
 * errors (exact Elasticsearch wording), bulk, by-query APIs, counters and fault injection.
 */
import { EsEmulator } from '../stack/es-emulator';
import { esClient } from '../stack/es-emulator/http-client';

const KEYWORD_TEXT_MAPPING = {
  dynamic: 'strict',
  properties: {
    name: { type: 'text', fields: { keyword: { type: 'keyword' } } },
    code: { type: 'keyword' },
    num: { type: 'long' },
    meta: { type: 'object', enabled: false },
    nested: { properties: { deep: { type: 'keyword' } } },
  },
};

describe('EsEmulator (core)', () => {
  let emu: EsEmulator;
  let es: ReturnType<typeof esClient>;

  beforeEach(async () => {
    emu = new EsEmulator({ refreshIntervalMs: 60_000 });
    await emu.start(0);
    es = esClient(emu.url);
    const created = await es('PUT', '/&shop.orders', { aliases: { '@&shop.orders': {} }, mappings: KEYWORD_TEXT_MAPPING, settings: { number_of_shards: 1 } });
    expect(created.status).toBe(200);
  });

  afterEach(async () => {
    await emu.stop();
  });

  describe('near-real-time visibility', () => {
    it('GET sees a write at once, search only after a refresh', async () => {
      const put = await es('PUT', '/@&shop.orders/_doc/1', { name: 'Hello World', code: 'A1', num: 1 });
      expect(put.status).toBe(201);
      expect(put.body).toMatchObject({ _index: '&shop.orders', _id: '1', _version: 1, result: 'created', _seq_no: 0, _primary_term: 1 });

      const get = await es('GET', '/@&shop.orders/_doc/1');
      expect(get.body).toMatchObject({ found: true, _source: { name: 'Hello World' } });
      expect((await es('HEAD', '/@&shop.orders/_doc/1')).status).toBe(200);
      const mget = await es('POST', '/_mget', { docs: [{ _index: '@&shop.orders', _id: '1' }] });
      expect(mget.body.docs[0].found).toBe(true);

      const before = await es('POST', '/@&shop.orders/_search', { query: { match_all: {} } });
      expect(before.body.hits.total).toEqual({ value: 0, relation: 'eq' });
      expect((await es('POST', '/@&shop.orders/_count', {})).body.count).toBe(0);

      expect((await es('POST', '/@&shop.orders/_refresh')).status).toBe(200);
      const after = await es('POST', '/@&shop.orders/_search', { query: { match_all: {} } });
      expect(after.body.hits.hits.map((h: any) => h._id)).toEqual(['1']);
    });

    it('refresh=wait_for makes the write searchable when the reply arrives; refresh=true forces it', async () => {
      await es('PUT', '/@&shop.orders/_doc/1?refresh=wait_for', { name: 'one' });
      expect((await es('POST', '/@&shop.orders/_count')).body.count).toBe(1);
      const forced = await es('PUT', '/@&shop.orders/_doc/2?refresh=true', { name: 'two' });
      expect(forced.body.forced_refresh).toBe(true);
      expect((await es('POST', '/@&shop.orders/_count')).body.count).toBe(2);
      await es('DELETE', '/@&shop.orders/_doc/1?refresh=wait_for');
      expect((await es('POST', '/@&shop.orders/_count')).body.count).toBe(1);
      const bad = await es('PUT', '/@&shop.orders/_doc/3?refresh=sometimes', { name: 'x' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.reason).toBe('Unknown value for refresh: [sometimes].');
    });

    it('refreshes periodically, and refreshAll() refreshes every index', async () => {
      const fast = new EsEmulator({ refreshIntervalMs: 50 });
      await fast.start(0);
      try {
        const f = esClient(fast.url);
        await f('PUT', '/idx/_doc/1', { a: 1 });
        expect((await f('GET', '/idx/_count')).body.count).toBe(0);
        await new Promise((r) => setTimeout(r, 250));
        expect((await f('GET', '/idx/_count')).body.count).toBe(1);
      } finally {
        await fast.stop();
      }
      await es('PUT', '/@&shop.orders/_doc/9', { name: 'nine' });
      emu.refreshAll();
      expect((await es('POST', '/@&shop.orders/_count')).body.count).toBe(1);
    });

    it("can make refresh=wait_for wait for the next periodic refresh ('scheduled')", async () => {
      // a periodic refresh that never comes during the test: the write must wait for an explicit refresh
      const slow = new EsEmulator({ refreshIntervalMs: 60000, waitForRefresh: 'scheduled' });
      await slow.start(0);
      try {
        const s = esClient(slow.url);
        await s('PUT', '/idx', {});
        let answered = false;
        const write = s('PUT', '/idx/_doc/1?refresh=wait_for', { a: 1 }).then((r) => { answered = true; return r; });
        await new Promise((r) => setTimeout(r, 200));
        expect(answered).toBe(false);
        expect((await s('GET', '/idx/_doc/1')).body.found).toBe(true); // real-time GET sees it already
        slow.refreshAll();
        await write;
        expect(answered).toBe(true);
        expect((await s('GET', '/idx/_count')).body.count).toBe(1);
      } finally {
        await slow.stop();
      }
    });

    it('refreshIntervalMs: 0 refreshes after every write; index.refresh_interval: -1 disables periodic refreshes', async () => {
      const eager = new EsEmulator({ refreshIntervalMs: 0 });
      await eager.start(0);
      try {
        const s = esClient(eager.url);
        await s('PUT', '/idx/_doc/1', { a: 1 });
        expect((await s('GET', '/idx/_count')).body.count).toBe(1);
      } finally {
        await eager.stop();
      }
      const periodic = new EsEmulator({ refreshIntervalMs: 20 });
      await periodic.start(0);
      try {
        const s = esClient(periodic.url);
        await s('PUT', '/manual', { settings: { refresh_interval: '-1' } });
        await s('PUT', '/manual/_doc/1', { a: 1 });
        await new Promise((r) => setTimeout(r, 150));
        expect((await s('GET', '/manual/_count')).body.count).toBe(0);
        await s('POST', '/manual/_refresh');
        expect((await s('GET', '/manual/_count')).body.count).toBe(1);
      } finally {
        await periodic.stop();
      }
    });

    it('by-query APIs only see refreshed documents', async () => {
      await es('PUT', '/@&shop.orders/_doc/1?refresh=true', { code: 'x' });
      await es('PUT', '/@&shop.orders/_doc/2', { code: 'x' });
      const dbq = await es('POST', '/@&shop.orders/_delete_by_query?refresh=true', { query: { term: { code: 'x' } } });
      expect(dbq.body).toMatchObject({ deleted: 1, total: 1, version_conflicts: 0, failures: [] });
      expect((await es('GET', '/@&shop.orders/_doc/2')).body.found).toBe(true);
      const wf = await es('POST', '/@&shop.orders/_delete_by_query?refresh=wait_for', { query: { match_all: {} } });
      expect(wf.status).toBe(400);
      expect(wf.body.error.reason).toBe('Failed to parse value [wait_for] as only [true] or [false] are allowed.');
    });
  });

  describe('mappings', () => {
    it('rejects unknown fields under dynamic: strict with the exact ES 7 and ES 8 wording', async () => {
      const r7 = await es('PUT', '/@&shop.orders/_doc/1', { name: 'a', color: 'red' });
      expect(r7.status).toBe(400);
      expect(r7.body.error.type).toBe('strict_dynamic_mapping_exception');
      expect(r7.body.error.reason).toBe('mapping set to strict, dynamic introduction of [color] within [_doc] is not allowed');
      const nested = await es('PUT', '/@&shop.orders/_doc/1', { nested: { other: 1 } });
      expect(nested.body.error.reason).toBe('mapping set to strict, dynamic introduction of [other] within [nested] is not allowed');
      const r8 = await es('PUT', '/@&shop.orders/_doc/1', { name: 'a', color: 'red' }, { major: 8 });
      expect(r8.body.error.reason).toMatch(/^\[\d+:\d+\] mapping set to strict, dynamic introduction of \[color\] within \[_doc\] is not allowed$/);
      // objects with enabled: false accept anything
      expect((await es('PUT', '/@&shop.orders/_doc/2', { meta: { anything: [1, 'two'] } })).status).toBe(201);
    });

    it('stores but does not index unmapped fields under dynamic: false', async () => {
      await es('PUT', '/loose', { mappings: { dynamic: 'false', properties: { known: { type: 'keyword' } } } });
      await es('PUT', '/loose/_doc/1?refresh=true', { known: 'k', secret: 'hidden' });
      expect((await es('GET', '/loose/_doc/1')).body._source.secret).toBe('hidden');
      const byUnmapped = await es('POST', '/loose/_search', { query: { term: { secret: 'hidden' } } });
      expect(byUnmapped.body.hits.total.value).toBe(0);
      const exists = await es('POST', '/loose/_search', { query: { exists: { field: 'secret' } } });
      expect(exists.body.hits.total.value).toBe(0);
      expect((await es('GET', '/loose/_mapping')).body.loose.mappings.properties).toEqual({ known: { type: 'keyword' } });
    });

    it('maps new fields under dynamic: true (text + keyword, long, date) and merges PUT _mapping', async () => {
      await es('PUT', '/dyn/_doc/1', { title: 'Some Title', count: 3, at: '2024-01-02T03:04:05Z', flag: true });
      const mapping = (await es('GET', '/dyn/_mapping')).body.dyn.mappings.properties;
      expect(mapping.title).toEqual({ type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } });
      expect(mapping.count).toEqual({ type: 'long' });
      expect(mapping.at).toEqual({ type: 'date' });
      expect(mapping.flag).toEqual({ type: 'boolean' });
      expect((await es('PUT', '/dyn/_mapping', { properties: { extra: { type: 'keyword' } } })).status).toBe(200);
      const conflict = await es('PUT', '/dyn/_mapping', { properties: { count: { type: 'keyword' } } });
      expect(conflict.status).toBe(400);
      expect(conflict.body.error.reason).toBe('mapper [count] cannot be changed from type [long] to [keyword]');
      const merged = (await es('GET', '/dyn/_mapping')).body.dyn.mappings.properties;
      expect(Object.keys(merged).sort()).toEqual(['at', 'count', 'extra', 'flag', 'title']);
      const badType = await es('PUT', '/bad', { mappings: { properties: { f: { type: 'string' } } } });
      expect(badType.status).toBe(400);
      expect(badType.body.error.reason).toBe('Failed to parse mapping [_doc]: No handler for type [string] declared on field [f]');
    });

    it('rejects values that do not fit the field type', async () => {
      const r = await es('PUT', '/@&shop.orders/_doc/1', { num: 'abc' });
      expect(r.status).toBe(400);
      expect(r.body.error.type).toBe('mapper_parsing_exception');
      expect(r.body.error.reason).toBe("failed to parse field [num] of type [long] in document with id '1'. Preview of field's value: 'abc'");
      expect((await es('PUT', '/@&shop.orders/_doc/2', { num: '42' })).status).toBe(201);
    });
  });

  describe('documents', () => {
    it('answers 404 found:false for a missing document, 404 index_not_found for a missing index', async () => {
      const missing = await es('GET', '/@&shop.orders/_doc/nope');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ _index: '&shop.orders', _type: '_doc', _id: 'nope', found: false });
      const noIndex = await es('GET', '/@&shop.nothing/_doc/1');
      expect(noIndex.status).toBe(404);
      expect(noIndex.body.error).toMatchObject({ type: 'index_not_found_exception', reason: 'no such index [@&shop.nothing]' });
      const del = await es('DELETE', '/@&shop.orders/_doc/nope');
      expect(del.status).toBe(404);
      expect(del.body).toMatchObject({ _id: 'nope', result: 'not_found' });
    });

    it('reports version conflicts like Elasticsearch', async () => {
      await es('PUT', '/@&shop.orders/_doc/1?op_type=create', { code: 'a' });
      const dup = await es('PUT', '/@&shop.orders/_doc/1?op_type=create', { code: 'b' });
      expect(dup.status).toBe(409);
      expect(dup.body.error.type).toBe('version_conflict_engine_exception');
      expect(dup.body.error.reason).toBe('[1]: version conflict, document already exists (current version [1])');
      expect((await es('PUT', '/@&shop.orders/_create/1', { code: 'b' })).status).toBe(409);
      expect(emu.counters().byOp.create).toBe(3);

      const upd = await es('PUT', '/@&shop.orders/_doc/1', { code: 'c' });
      expect(upd.body).toMatchObject({ result: 'updated', _version: 2, _seq_no: 1 });
      const stale = await es('PUT', '/@&shop.orders/_doc/1?if_seq_no=0&if_primary_term=1', { code: 'd' });
      expect(stale.status).toBe(409);
      expect(stale.body.error.reason).toBe('[1]: version conflict, required seqNo [0], primary term [1]. current document has seqNo [1] and primary term [1]');
      expect((await es('PUT', '/@&shop.orders/_doc/1?if_seq_no=1&if_primary_term=1', { code: 'd' })).status).toBe(200);
      // a deleted id keeps counting versions
      await es('DELETE', '/@&shop.orders/_doc/1');
      expect((await es('PUT', '/@&shop.orders/_doc/1', { code: 'e' })).body._version).toBe(5);
    });

    it('updates partially with deep merge, upserts, detects noops, and refuses non-trivial scripts', async () => {
      await es('PUT', '/dyn/_doc/1', { a: { b: 1, c: [1, 2] }, d: 'x' });
      const upd = await es('POST', '/dyn/_update/1?_source=true', { doc: { a: { c: [3] }, e: true } });
      expect(upd.body.get._source).toEqual({ a: { b: 1, c: [3] }, d: 'x', e: true });
      expect(upd.body._version).toBe(2);
      const noop = await es('POST', '/dyn/_update/1', { doc: { d: 'x' } });
      expect(noop.body).toMatchObject({ result: 'noop', _version: 2 });
      const missing = await es('POST', '/dyn/_update/2', { doc: { d: 'y' } });
      expect(missing.status).toBe(404);
      expect(missing.body.error).toMatchObject({ type: 'document_missing_exception', reason: '[_doc][2]: document missing' });
      expect((await es('POST', '/dyn/_update/2', { doc: { d: 'y' } }, { major: 8 })).body.error.reason).toBe('[2]: document missing');
      const upsert = await es('POST', '/dyn/_update/2', { doc: { d: 'y' }, upsert: { d: 'init' } });
      expect(upsert.status).toBe(201);
      expect((await es('GET', '/dyn/_doc/2')).body._source).toEqual({ d: 'init' });
      await es('POST', '/dyn/_update/3', { doc: { d: 'z' }, doc_as_upsert: true });
      expect((await es('GET', '/dyn/_doc/3')).body._source).toEqual({ d: 'z' });
      const scripted = await es('POST', '/dyn/_update/3', { script: { source: "ctx._source.d = params.v; ctx._source.n = 5", params: { v: 'w' } } });
      expect(scripted.status).toBe(200);
      expect((await es('GET', '/dyn/_doc/3')).body._source).toEqual({ d: 'w', n: 5 });
      const painless = await es('POST', '/dyn/_update/3', { script: 'ctx._source.n += 1' });
      expect(painless.status).toBe(501);
      expect(painless.body.error.reason).toMatch(/update scripts other than field assignments/);
    });

    it('mget reports found, missing, and missing indices per document', async () => {
      await es('PUT', '/@&shop.orders/_doc/1', { code: 'a' });
      const r = await es('POST', '/@&shop.orders/_mget', { ids: ['1', '2'] });
      expect(r.body.docs.map((d: any) => d.found)).toEqual([true, false]);
      const cross = await es('POST', '/_mget', { docs: [{ _index: '@&shop.orders', _id: '1', _source: false }, { _index: 'nope', _id: '1' }] });
      expect(cross.body.docs[0]._source).toBeUndefined();
      expect(cross.body.docs[1].error.type).toBe('index_not_found_exception');
    });
  });

  describe('bulk', () => {
    it('answers per item, with errors', async () => {
      await es('PUT', '/@&shop.orders/_doc/1', { code: 'a' });
      const r = await es('POST', '/@&shop.orders/_bulk?refresh=wait_for', [
        { index: { _id: '2' } }, { code: 'b' },
        { create: { _id: '1' } }, { code: 'dup' },
        { update: { _id: '404' } }, { doc: { code: 'x' } },
        { index: { _id: '3' } }, { code: 'c', color: 'red' },
        { update: { _id: '2', _source: true } }, { doc: { num: 7 } },
        { delete: { _id: '1' } },
        { delete: { _id: 'ghost' } },
      ], { ndjson: true });
      expect(r.status).toBe(200);
      expect(r.body.errors).toBe(true);
      const items = r.body.items.map((it: any) => {
        const [action, res] = Object.entries(it)[0] as [string, any];
        return [action, res.status, res.error?.type ?? res.result];
      });
      expect(items).toEqual([
        ['index', 201, 'created'],
        ['create', 409, 'version_conflict_engine_exception'],
        ['update', 404, 'document_missing_exception'],
        ['index', 400, 'strict_dynamic_mapping_exception'],
        ['update', 200, 'updated'],
        ['delete', 200, 'deleted'],
        ['delete', 404, 'not_found'],
      ]);
      expect(r.body.items[1].create.error.reason).toBe('[1]: version conflict, document already exists (current version [1])');
      expect(r.body.items[4].update.get._source).toEqual({ code: 'b', num: 7 });
      expect((await es('POST', '/@&shop.orders/_count')).body.count).toBe(1);
      const noNewline = await es('POST', '/_bulk', '{"index":{"_index":"x"}}\n{"a":1}', { headers: { 'content-type': 'application/x-ndjson' } });
      expect(noNewline.body.error.reason).toBe('The bulk request must be terminated by a newline [\\n]');
    });
  });

  describe('counters and request log', () => {
    it('counts reads, writes and admin requests per physical index', async () => {
      await es('PUT', '/&shop.customers', { aliases: { '@&shop.customers': {} } });
      emu.resetCounters();
      await es('PUT', '/@&shop.orders/_doc/1', { code: 'a' });
      await es('PUT', '/@&shop.customers/_doc/1', { x: 1 });
      await es('GET', '/@&shop.orders/_doc/1');
      await es('POST', '/_mget', { docs: [{ _index: '@&shop.orders', _id: '1' }, { _index: '@&shop.customers', _id: '1' }, { _index: '@&shop.orders', _id: '2' }] });
      await es('POST', '/@&shop.orders,@&shop.customers/_search', {});
      await es('POST', '/&shop.*/_search', {});
      await es('GET', '/_cat/aliases?format=json');

      const all = emu.counters();
      expect(all).toMatchObject({ reads: 4, writes: 2, admin: 1 });
      expect(all.byIndex['&shop.orders']).toEqual({ reads: 4, writes: 1, admin: 0 });
      expect(all.byIndex['&shop.customers']).toEqual({ reads: 3, writes: 1, admin: 0 });
      expect(all.byOp).toMatchObject({ index: 2, get: 1, mget: 1, search: 2, cat_aliases: 1 });

      const orders = emu.counters({ indexContains: 'shop.orders' });
      expect(orders.reads).toBe(4);
      expect(orders.writes).toBe(1);
      expect(Object.keys(orders.byIndex)).toEqual(['&shop.orders']);

      const log = emu.requests();
      expect(log[0]).toMatchObject({ method: 'PUT', op: 'index', kind: 'write', indices: ['&shop.orders'], status: 201 });
      expect(log.find((r) => r.op === 'mget')?.indices.sort()).toEqual(['&shop.customers', '&shop.orders']);
      emu.resetCounters();
      expect(emu.counters().reads).toBe(0);
      expect(emu.requests()).toEqual([]);
    });

    it('exposes every stored document (for secret scans) and resets', async () => {
      await es('PUT', '/@&shop.orders/_doc/1', { code: 'secret-value' });
      expect(emu.allDocuments()).toEqual([{ index: '&shop.orders', id: '1', source: { code: 'secret-value' } }]);
      emu.reset();
      expect(emu.allDocuments()).toEqual([]);
      expect((await es('GET', '/_cat/aliases?format=json')).body).toEqual([]);
    });
  });

  describe('fault injection', () => {
    it("'fail' answers an error for matching requests only, 'times' limits it", async () => {
      emu.injectFault({ mode: 'fail', kind: 'write', indexContains: 'shop.orders', times: 1 });
      const read = await es('GET', '/@&shop.orders/_doc/1');
      expect(read.status).toBe(404);
      const failed = await es('PUT', '/@&shop.orders/_doc/1', { code: 'a' });
      expect(failed.status).toBe(500);
      expect(failed.body.error.reason).toMatch(/emulated fault/);
      expect((await es('GET', '/@&shop.orders/_doc/1')).body.found).toBe(false);
      expect((await es('PUT', '/@&shop.orders/_doc/1', { code: 'a' })).status).toBe(201);
      emu.injectFault({ mode: 'fail', status: 503 });
      expect((await es('GET', '/')).status).toBe(503);
      emu.clearFaults();
      expect((await es('GET', '/')).status).toBe(200);
      expect(emu.requests().filter((r) => r.fault === 'fail')).toHaveLength(2);
    });

    it("'hang' holds requests until the fault is cleared", async () => {
      emu.injectFault({ mode: 'hang', indexContains: 'shop.orders', kind: 'read' });
      let answered = false;
      const pending = es('GET', '/@&shop.orders/_doc/1').then((r) => {
        answered = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 150));
      expect(answered).toBe(false);
      expect((await es('PUT', '/@&shop.orders/_doc/1', { code: 'a' })).status).toBe(201);
      emu.clearFaults();
      const r = await pending;
      expect(r.status).toBe(200);
      expect(r.body.found).toBe(true);
    });

    it('stop() ends hung requests', async () => {
      emu.injectFault({ mode: 'hang' });
      const pending = es('GET', '/').then(() => 'answered', () => 'failed');
      await new Promise((r) => setTimeout(r, 50));
      await emu.stop();
      expect(await pending).toBe('failed');
      emu = new EsEmulator();
      await emu.start(0);
    });
  });

  describe('routing and parameters', () => {
    it('names the method and path of unknown routes, and unknown parameters', async () => {
      const unknown = await es('GET', '/@&shop.orders/_nothing_here');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.reason).toMatch(/no handler found for uri \[\/@&shop\.orders\/_nothing_here\] and method \[GET\]/);
      const wrongMethod = await es('DELETE', '/_bulk');
      expect(wrongMethod.status).toBe(405);
      const param = await es('GET', '/@&shop.orders/_doc/1?colour=red');
      expect(param.status).toBe(400);
      expect(param.body.error.reason).toBe('request [/@&shop.orders/_doc/1] contains unrecognized parameter: [colour]');
      const unemulated = await es('POST', '/_msearch', '{}\n{}\n', { headers: { 'content-type': 'application/x-ndjson' } });
      expect(unemulated.status).toBe(501);
      expect(unemulated.body.error.reason).toMatch(/_msearch/);
    });

    it('lists aliases and indices the way Kuzzle parses them', async () => {
      const bad = await es('PUT', '/%plugin-api-keys.keys', {});
      expect(bad.status).toBe(400); // a raw '%' is not a valid URL escape: clients send %25
      await es('PUT', '/%25plugin-api-keys.keys', { aliases: { '@%plugin-api-keys.keys': {} } });
      const aliases = await es('GET', '/_cat/aliases?format=json');
      expect(aliases.body).toEqual(expect.arrayContaining([
        { alias: '@&shop.orders', index: '&shop.orders', filter: '-', 'routing.index': '-', 'routing.search': '-', is_write_index: '-' },
        { alias: '@%plugin-api-keys.keys', index: '%plugin-api-keys.keys', filter: '-', 'routing.index': '-', 'routing.search': '-', is_write_index: '-' },
      ]));
      expect((await es('GET', '/_cat/aliases/@%25plugin-api-keys.keys?format=json')).body).toHaveLength(1);
      expect((await es('HEAD', '/_alias/@&shop.orders')).status).toBe(200);
      expect((await es('HEAD', '/_alias/@&shop.none')).status).toBe(404);
      expect((await es('GET', '/&shop.orders/_alias')).body).toEqual({ '&shop.orders': { aliases: { '@&shop.orders': {} } } });
      const deleteAlias = await es('DELETE', '/@&shop.orders');
      expect(deleteAlias.body.error.reason).toBe('The provided expression [@&shop.orders] matches an alias, specify the corresponding concrete indices instead.');
      expect((await es('DELETE', '/&shop.orders')).status).toBe(200);
      expect((await es('HEAD', '/&shop.orders')).status).toBe(404);
    });
  });
});
