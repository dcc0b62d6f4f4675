/**
 * Which indexes and collections each Kuzzle action touches, as Kuzzle 2.56 itself reads them. Pure: no Kuzzle import.
 *
 * Scopes narrowed to an index (`document:*@shop`) are matched against these resources only. An action whose kind is
 * `none` touches no index, whatever `index`/`collection` arguments a client adds (Kuzzle accepts extra arguments), so
 * an index-narrowed scope never grants it. An action missing from this table (a newer Kuzzle, another plugin) is
 * `none` as well: it fails closed.
 *
 * Sources (node_modules/kuzzle/dist/lib/api/controllers/, Kuzzle 2.56.0):
 * - documentController.js: every action calls `request.getIndexAndCollection()` (directly or through `_mChanges`),
 *   except `search` (`getArray("targets")`, else `getIndex()` + `getCollection()`), `scroll` (a scroll id only) and
 *   `validate` (`assertHasIndexAndCollection`, then the validation service reads `args.index`/`args.collection`);
 * - bulkController.js: every action calls `getIndexAndCollection()`;
 * - realtimeController.js: `subscribe` and `publish` call `getIndexAndCollection()`, `validate` delegates to
 *   document:validate; `join` (`body.roomId`, HotelClerk.join) and `count` (`getBodyString("roomId")`) read a room id;
 *   `list` and `unsubscribe` read no index;
 * - collectionController.js: every action calls `getIndexAndCollection()`, except `list` (`getIndex()`) and
 *   `searchSpecifications`/`scrollSpecifications` (no index);
 * - indexController.js: `create`, `delete`, `exists` call `getIndex()`; `mDelete` reads `getBodyArray("indexes")`;
 *   `list` and `stats` read no index;
 * - admin, auth, cluster, debug, memoryStorage (alias ms), security and server controllers never read an index
 *   (securityController's `refresh` reads a collection of Kuzzle's internal index, not a user index).
 */

/**
 * - `index+collection`: `args.index` and `args.collection`, both required;
 * - `index`: `args.index` only (a `collection` argument is ignored);
 * - `body-indexes`: `body.indexes` (index:mDelete);
 * - `search`: `targets`, or `args.index` + `args.collection` (document:search);
 * - `room`: the index and collection of the room `body.roomId`, as the cluster knows it;
 * - `scroll`: the resources recorded when the search that opened `args.scrollId` ran;
 * - `none`: no resource at all.
 */
export type ResourceKind = 'index+collection' | 'index' | 'body-indexes' | 'search' | 'room' | 'scroll' | 'none';

type ControllerTable = { actions: Record<string, ResourceKind>; default?: 'none' };

function all(kind: ResourceKind, names: string[]): Record<string, ResourceKind> {
  return Object.fromEntries(names.map((name) => [name, kind]));
}

/**
 * Index-bound controllers list every action explicitly (no default), so that an action a newer Kuzzle adds is seen
 * by the publicApi feature instead of being silently classified. Resource-less controllers have a `none` default.
 */
const TABLE: Record<string, ControllerTable> = {
  document: {
    actions: {
      ...all('index+collection', [
        'count', 'create', 'createOrReplace', 'delete', 'deleteByQuery', 'deleteFields', 'exists', 'export', 'get',
        'mCreate', 'mCreateOrReplace', 'mDelete', 'mExists', 'mGet', 'mReplace', 'mUpdate', 'mUpsert', 'replace',
        'update', 'updateByQuery', 'upsert', 'validate',
      ]),
      search: 'search',
      scroll: 'scroll',
    },
  },
  bulk: { actions: all('index+collection', ['import', 'write', 'mWrite', 'deleteByQuery', 'updateByQuery']) },
  realtime: {
    actions: {
      ...all('index+collection', ['subscribe', 'publish', 'validate']),
      join: 'room',
      count: 'room',
      list: 'none',
      unsubscribe: 'none',
    },
  },
  collection: {
    actions: {
      ...all('index+collection', [
        'create', 'delete', 'deleteSpecifications', 'exists', 'getMapping', 'getSettings', 'getSpecifications',
        'refresh', 'truncate', 'update', 'updateMapping', 'updateSpecifications', 'validateSpecifications',
      ]),
      list: 'index',
      searchSpecifications: 'none',
      scrollSpecifications: 'none',
    },
  },
  index: {
    actions: { create: 'index', delete: 'index', exists: 'index', mDelete: 'body-indexes', list: 'none', stats: 'none' },
  },
  admin: { actions: {}, default: 'none' },
  auth: { actions: {}, default: 'none' },
  cluster: { actions: {}, default: 'none' },
  debug: { actions: {}, default: 'none' },
  memoryStorage: { actions: {}, default: 'none' },
  ms: { actions: {}, default: 'none' },
  security: { actions: {}, default: 'none' },
  server: { actions: {}, default: 'none' },
};

/** The resources an action reads; `none` for anything this table does not know (fail closed). */
export function resourceKindOf(controller: string, action: string): ResourceKind {
  const entry = Object.prototype.hasOwnProperty.call(TABLE, controller) ? TABLE[controller] : undefined;
  if (!entry) return 'none';
  return Object.prototype.hasOwnProperty.call(entry.actions, action) ? entry.actions[action] : 'none';
}

/** Whether the table classifies this action, explicitly or through its controller's default. */
export function isClassified(controller: string, action: string): boolean {
  const entry = Object.prototype.hasOwnProperty.call(TABLE, controller) ? TABLE[controller] : undefined;
  if (!entry) return false;
  return entry.default !== undefined || Object.prototype.hasOwnProperty.call(entry.actions, action);
}

/** Every index-bound action, as [controller, action, kind]. */
export function indexBoundActions(): Array<[string, string, ResourceKind]> {
  const out: Array<[string, string, ResourceKind]> = [];
  for (const [controller, entry] of Object.entries(TABLE)) {
    for (const [action, kind] of Object.entries(entry.actions)) {
      if (kind !== 'none') out.push([controller, action, kind]);
    }
  }
  return out;
}

/** Whether a scope's controller:action pattern (`*` allowed) can ever touch an index. */
export function patternHasIndexBoundAction(controller: string, action: string): boolean {
  return indexBoundActions().some(([c, a]) => (controller === '*' || c === controller) && (action === '*' || a === action));
}
