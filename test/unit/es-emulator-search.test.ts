/**
 * The Elasticsearch emulator's search: query clauses, keyword vs text, sorting and its errors,
 * pagination limits, scroll, search_after, total hits and source filtering.
 */
import { EsEmulator } from '../stack/es-emulator';
import { esClient } from '../stack/es-emulator/http-client';

const MAPPING = {
  dynamic: 'false',
  properties: {
    name: { type: 'text', fields: { keyword: { type: 'keyword' } } },
    code: { type: 'keyword' },
    num: { type: 'long' },
    price: { type: 'double' },
    at: { type: 'date' },
    active: { type: 'boolean' },
    owner: { properties: { id: { type: 'keyword' }, tags: { type: 'keyword' } } },
    items: { type: 'nested', properties: { sku: { type: 'keyword' }, qty: { type: 'integer' } } },
  },
};

describe('EsEmulator (search)', () => {
  let emu: EsEmulator;
  let es: ReturnType<typeof esClient>;

  const ids = (r: any): string[] => r.body.hits.hits.map((h: any) => h._id);
  const search = async (body: unknown, query = '') => es('POST', `/@&shop.orders/_search${query}`, body);

  beforeAll(async () => {
    emu = new EsEmulator({ refreshIntervalMs: 60_000 });
    await emu.start(0);
    es = esClient(emu.url);
    await es('PUT', '/&shop.orders', { aliases: { '@&shop.orders': {} }, mappings: MAPPING });
    const docs = [
      { _id: 'a', name: 'Quick brown fox', code: 'FOX-1', num: 1, price: 9.5, at: '2024-01-01', active: true, owner: { id: 'u1', tags: ['x', 'y'] }, items: [{ sku: 's1', qty: 1 }, { sku: 's2', qty: 5 }] },
      { _id: 'b', name: 'Lazy brown dog', code: 'DOG-1', num: 2, price: 20, at: '2024-02-01', active: false, owner: { id: 'u2', tags: ['y'] }, items: [{ sku: 's1', qty: 5 }] },
      { _id: 'c', name: 'The quick dog jumps', code: 'DOG-2', num: 3, at: '2024-03-01T10:00:00Z', owner: { id: 'u1' }, hidden: 'unmapped' },
      { _id: 'd', name: 'Hello, World!', code: 'hello', num: 4, price: 1 },
    ];
    const lines = docs.flatMap(({ _id, ...source }) => [{ index: { _id } }, source]);
    const bulk = await es('POST', '/@&shop.orders/_bulk?refresh=true', lines, { ndjson: true });
    expect(bulk.body.errors).toBe(false);
    await es('PUT', '/&shop.empty', { aliases: { '@&shop.empty': {} }, mappings: MAPPING });
  });

  afterAll(async () => {
    await emu.stop();
  });

  describe('query clauses', () => {
    it('keyword fields match exactly, text fields match on analysed tokens', async () => {
      expect(ids(await search({ query: { term: { code: 'FOX-1' } } }))).toEqual(['a']);
      expect(ids(await search({ query: { term: { code: 'fox-1' } } }))).toEqual([]);
      expect(ids(await search({ query: { term: { name: 'fox' } } }))).toEqual(['a']);
      expect(ids(await search({ query: { term: { name: 'Fox' } } }))).toEqual([]);
      expect(ids(await search({ query: { term: { 'name.keyword': 'Quick brown fox' } } }))).toEqual(['a']);
      expect(ids(await search({ query: { match: { name: 'HELLO world' } } }))).toEqual(['d']);
      expect(ids(await search({ query: { match: { name: { query: 'quick dog', operator: 'and' } } } }))).toEqual(['c']);
      expect(ids(await search({ query: { match: { code: 'DOG-1' } } }))).toEqual(['b']);
      const or = await search({ query: { match: { name: 'quick dog' } } });
      expect(ids(or)[0]).toBe('c');
      expect(ids(or).sort()).toEqual(['a', 'b', 'c']);
      expect(ids(await search({ query: { match_phrase: { name: 'brown dog' } } }))).toEqual(['b']);
    });

    it('supports bool, terms, ids, range, exists, prefix, wildcard, multi_match and nested', async () => {
      const bool = await search({ query: { bool: { must: [{ match: { name: 'brown' } }], must_not: [{ term: { code: 'DOG-1' } }], filter: { term: { 'owner.id': 'u1' } } } } });
      expect(ids(bool)).toEqual(['a']);
      const should = await search({ query: { bool: { should: [{ term: { code: 'FOX-1' } }, { term: { num: 1 } }, { term: { num: 2 } }], minimum_should_match: 2 } } });
      expect(ids(should)).toEqual(['a']);
      expect(ids(await search({ query: { terms: { 'owner.tags': ['x', 'zzz'] } } }))).toEqual(['a']);
      expect(ids(await search({ query: { ids: { values: ['d', 'b', 'nope'] } }, sort: ['_doc'] }))).toEqual(['b', 'd']);
      expect(ids(await search({ query: { range: { num: { gt: 1, lte: 3 } } }, sort: ['num'] }))).toEqual(['b', 'c']);
      expect(ids(await search({ query: { range: { code: { gte: 'DOG', lt: 'DOG-2' } } } }))).toEqual(['b']);
      expect(ids(await search({ query: { range: { at: { gte: '2024-02-01', lt: '2024-03-02' } } }, sort: ['at'] }))).toEqual(['b', 'c']);
      expect(ids(await search({ query: { range: { at: { lt: 'now-1y' } } }, sort: ['at'] }))).toEqual(['a', 'b', 'c']);
      expect(ids(await search({ query: { exists: { field: 'price' } }, sort: ['num'] }))).toEqual(['a', 'b', 'd']);
      expect(ids(await search({ query: { exists: { field: 'owner' } }, sort: ['num'] }))).toEqual(['a', 'b', 'c']);
      expect(ids(await search({ query: { exists: { field: 'hidden' } } }))).toEqual([]);
      expect(ids(await search({ query: { prefix: { code: 'DOG' } }, sort: ['code'] }))).toEqual(['b', 'c']);
      expect(ids(await search({ query: { wildcard: { code: { value: 'd?g-*', case_insensitive: true } } }, sort: ['code'] }))).toEqual(['b', 'c']);
      expect(ids(await search({ query: { term: { active: 'true' } } }))).toEqual(['a']);
      const multi = await search({ query: { multi_match: { query: 'hello dog', fields: ['name^3', 'code'] } } });
      expect(ids(multi).sort()).toEqual(['b', 'c', 'd']);
      const nested = await search({ query: { nested: { path: 'items', query: { bool: { filter: [{ term: { 'items.sku': 's1' } }, { range: { 'items.qty': { gte: 5 } } }] } } } } });
      expect(ids(nested)).toEqual(['b']);
      expect(ids(await search({ query: { term: { 'items.sku': 's1' } } }))).toEqual([]);
      expect(ids(await search({ query: { match_none: {} } }))).toEqual([]);
    });

    it('rejects malformed queries with parsing_exception, even on an empty collection', async () => {
      const unknown = await es('POST', '/@&shop.empty/_search', { query: { equals: { code: 'x' } } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toMatchObject({ type: 'parsing_exception', reason: 'unknown query [equals]' });
      const twoFields = await es('POST', '/@&shop.empty/_search', { query: { term: { a: 1, b: 2 } } });
      expect(twoFields.body.error.reason).toBe("[term] query doesn't support multiple fields, found [a] and [b]");
      const badBool = await es('POST', '/@&shop.empty/_search', { query: { bool: { musts: [] } } });
      expect(badBool.body.error.reason).toBe('[bool] query does not support [musts]');
      const badKey = await es('POST', '/@&shop.empty/_search', { query: { match_all: {} }, foo: {} });
      expect(badKey.body.error.reason).toBe('Unknown key for a START_OBJECT in [foo].');
      const noObject = await es('POST', '/@&shop.empty/_search', { query: { bool: 'x' } });
      expect(noObject.body.error.reason).toBe('[bool] query malformed, no start_object after query name');
      const badNumber = await es('POST', '/@&shop.empty/_search', { query: { term: { num: 'abc' } } });
      expect(badNumber.status).toBe(400);
      expect(badNumber.body.error.root_cause[0]).toMatchObject({ type: 'query_shard_exception', reason: 'failed to create query: For input string: "abc"' });
    });

    it('answers 501 naming unsupported features', async () => {
      const qs = await search({ query: { query_string: { query: 'fox' } } });
      expect(qs.status).toBe(501);
      expect(qs.body.error.reason).toBe('[es-emulator] the [query_string] query is not supported by the Elasticsearch emulator');
      expect((await search({ query: { simple_query_string: { query: 'fox' } } })).status).toBe(501);
      const aggs = await search({ aggs: { codes: { terms: { field: 'code' } } } });
      expect(aggs.status).toBe(501);
      expect(aggs.body.error.reason).toMatch(/aggregations/);
      expect((await search({ highlight: { fields: { name: {} } } })).status).toBe(501);
    });
  });

  describe('sorting', () => {
    it('sorts by fields, _score and _doc, with missing values last', async () => {
      expect(ids(await search({ sort: [{ num: 'desc' }] }))).toEqual(['d', 'c', 'b', 'a']);
      expect(ids(await search({ sort: [{ price: { order: 'asc' } }, 'num'] }))).toEqual(['d', 'a', 'b', 'c']);
      expect(ids(await search({ sort: [{ price: { order: 'asc', missing: '_first' } }] }))).toEqual(['c', 'd', 'a', 'b']);
      expect(ids(await search({ sort: [{ 'owner.id': 'asc' }, { num: 'desc' }] }))).toEqual(['c', 'a', 'b', 'd']);
      expect(ids(await search({ sort: '_doc' }))).toEqual(['a', 'b', 'c', 'd']);
      const withSort = await search({ sort: [{ at: 'asc' }], size: 1 });
      expect(withSort.body.hits.hits[0].sort).toEqual([Date.parse('2024-01-01')]);
      expect(withSort.body.hits.hits[0]._score).toBeNull();
      expect(ids(await search({}, '?sort=num:desc&size=2'))).toEqual(['d', 'c']);
    });

    it('refuses to sort on text fields and unmapped fields, like Elasticsearch', async () => {
      const text = await search({ sort: ['name'] });
      expect(text.status).toBe(400);
      expect(text.body.error.type).toBe('search_phase_execution_exception');
      expect(text.body.error.root_cause[0].type).toBe('illegal_argument_exception');
      expect(text.body.error.root_cause[0].reason).toMatch(/^Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default\. Please use a keyword field instead\. Alternatively, set fielddata=true on \[name\]/);
      const unmapped = await search({ sort: ['nothing'] });
      expect(unmapped.status).toBe(400);
      expect(unmapped.body.error.root_cause[0]).toMatchObject({ type: 'query_shard_exception', reason: 'No mapping found for [nothing] in order to sort on' });
      expect((await search({ sort: [{ nothing: { order: 'asc', unmapped_type: 'keyword' } }] })).status).toBe(200);
      const onEmpty = await es('POST', '/@&shop.empty/_search', { sort: ['name'] });
      expect(onEmpty.status).toBe(400);
      expect((await search({ sort: ['_id'] })).status).toBe(200);
      const id8 = await search({ sort: ['_id'] }).then(() => es('POST', '/@&shop.orders/_search', { sort: ['_id'] }, { major: 8 }));
      expect(id8.status).toBe(400);
      expect(id8.body.error.root_cause[0].reason).toMatch(/^Fielddata access on the _id field is disallowed/);
    });
  });

  describe('pagination', () => {
    beforeAll(async () => {
      await es('PUT', '/&big.items', { aliases: { '@&big.items': {} }, mappings: { properties: { n: { type: 'integer' }, k: { type: 'keyword' } } } });
      const lines = Array.from({ length: 60 }, (_, i) => [{ index: { _id: `d${String(i).padStart(2, '0')}` } }, { n: i % 7, k: `key-${String(i).padStart(2, '0')}` }]).flat();
      await es('POST', '/@&big.items/_bulk?refresh=wait_for', lines, { ndjson: true });
    });

    it('applies from/size and index.max_result_window', async () => {
      const page = await es('POST', '/@&big.items/_search', { from: 10, size: 5, sort: ['k'] });
      expect(ids(page)).toEqual(['d10', 'd11', 'd12', 'd13', 'd14']);
      expect(page.body.hits.total).toEqual({ value: 60, relation: 'eq' });
      const tooFar = await es('POST', '/@&big.items/_search', { from: 9995, size: 10 });
      expect(tooFar.status).toBe(400);
      expect(tooFar.body.error.root_cause[0].reason).toBe('Result window is too large, from + size must be less than or equal to: [10000] but was [10005]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.');
      await es('PUT', '/&small', { settings: { index: { max_result_window: 5 } } });
      expect((await es('POST', '/&small/_search', { size: 6 })).status).toBe(400);
      expect((await es('POST', '/&small/_search', { size: 5 })).status).toBe(200);
    });

    it('scrolls through 60 documents, then frees the context', async () => {
      const seen: string[] = [];
      let r = await es('POST', '/@&big.items/_search?scroll=1m', { size: 25, sort: ['_doc'] });
      expect(r.body._scroll_id).toEqual(expect.any(String));
      expect(r.body.hits.total.value).toBe(60);
      seen.push(...ids(r));
      // writes after the scroll started are invisible to it (point in time)
      await es('PUT', '/@&big.items/_doc/late?refresh=true', { n: 1 });
      while (r.body.hits.hits.length > 0) {
        r = await es('POST', '/_search/scroll', { scroll: '1m', scroll_id: r.body._scroll_id });
        expect(r.status).toBe(200);
        seen.push(...ids(r));
      }
      expect(seen).toHaveLength(60);
      expect(new Set(seen).size).toBe(60);
      const cleared = await es('DELETE', '/_search/scroll', { scroll_id: r.body._scroll_id });
      expect(cleared.body).toEqual({ succeeded: true, num_freed: 1 });
      const gone = await es('POST', '/_search/scroll', { scroll: '1m', scroll_id: r.body._scroll_id });
      expect(gone.status).toBe(404);
      expect(gone.body.error.root_cause[0].type).toBe('search_context_missing_exception');
      await es('DELETE', '/@&big.items/_doc/late?refresh=true');
    });

    it('expires scroll contexts after their keep-alive', async () => {
      const r = await es('POST', '/@&big.items/_search?scroll=100ms', { size: 5 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await es('POST', '/_search/scroll', { scroll_id: r.body._scroll_id })).status).toBe(404);
    });

    it('pages with search_after while hits.total stays the full count', async () => {
      const seen: string[] = [];
      let after: unknown[] | undefined;
      for (;;) {
        const body: Record<string, unknown> = { size: 7, sort: [{ n: 'asc' }, { k: 'desc' }] };
        if (after) body.search_after = after;
        const r = await es('POST', '/@&big.items/_search', body);
        expect(r.body.hits.total.value).toBe(60);
        if (r.body.hits.hits.length === 0) break;
        seen.push(...ids(r));
        after = r.body.hits.hits[r.body.hits.hits.length - 1].sort;
      }
      expect(seen).toHaveLength(60);
      expect(new Set(seen).size).toBe(60);
      const mismatch = await es('POST', '/@&big.items/_search', { sort: ['n'], search_after: [1, 'x'] });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.error.reason).toBe('search_after has 2 value(s) but sort has 1.');
    });

    it('reports total hits as asked (track_total_hits, rest_total_hits_as_int)', async () => {
      expect((await es('POST', '/@&big.items/_search', { size: 0, track_total_hits: 10 })).body.hits.total).toEqual({ value: 10, relation: 'gte' });
      expect((await es('POST', '/@&big.items/_search', { size: 0, track_total_hits: false })).body.hits.total).toBeUndefined();
      expect((await es('POST', '/@&big.items/_search?rest_total_hits_as_int=true', { size: 0 })).body.hits.total).toBe(60);
    });
  });

  describe('hits', () => {
    it('filters _source and adds _seq_no/_primary_term and versions when asked', async () => {
      const r = await search({ query: { ids: { values: ['a'] } }, _source: { includes: ['owner.*', 'name'], excludes: ['owner.tags'] }, seq_no_primary_term: true, version: true });
      expect(r.body.hits.hits[0]).toMatchObject({ _index: '&shop.orders', _type: '_doc', _id: 'a', _version: 1, _primary_term: 1, _source: { name: 'Quick brown fox', owner: { id: 'u1' } } });
      expect(r.body.hits.hits[0]._seq_no).toEqual(expect.any(Number));
      const none = await search({ query: { ids: { values: ['a'] } }, _source: false });
      expect(none.body.hits.hits[0]._source).toBeUndefined();
      const r8 = await es('POST', '/@&shop.orders/_search', { query: { ids: { values: ['a'] } } }, { major: 8 });
      expect(r8.body.hits.hits[0]._type).toBeUndefined();
    });

    it('searches several indices through comma lists and wildcards', async () => {
      await es('PUT', '/&shop.customers', { aliases: { '@&shop.customers': {} }, mappings: { properties: { code: { type: 'keyword' } } } });
      await es('PUT', '/&shop.customers/_doc/c1?refresh=true', { code: 'FOX-1' });
      const comma = await es('POST', '/@&shop.orders,@&shop.customers/_search', { query: { term: { code: 'FOX-1' } } });
      expect(comma.body.hits.hits.map((h: any) => `${h._index}/${h._id}`).sort()).toEqual(['&shop.customers/c1', '&shop.orders/a']);
      expect(comma.body._shards.total).toBe(2);
      const wild = await es('POST', '/&shop.*/_search', { query: { term: { code: 'FOX-1' } } });
      expect(wild.body.hits.total.value).toBe(2);
      const missing = await es('POST', '/@&shop.orders,@&shop.nope/_search', {});
      expect(missing.status).toBe(404);
      expect(missing.body.error.reason).toBe('no such index [@&shop.nope]');
      expect((await es('POST', '/@&shop.orders,@&shop.nope/_search?ignore_unavailable=true', {})).status).toBe(200);
      expect((await es('POST', '/&none.*/_search', {})).body.hits.total.value).toBe(0);
    });

    it('counts with a query, and rejects other count body keys', async () => {
      expect((await es('POST', '/@&shop.orders/_count', { query: { term: { 'owner.id': 'u1' } } })).body.count).toBe(2);
      const bad = await es('POST', '/@&shop.orders/_count', { query: { match_all: {} }, sort: ['num'] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.reason).toBe('request does not support [sort]');
    });
  });
});
