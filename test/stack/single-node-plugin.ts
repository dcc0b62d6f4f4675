/**
 * Test-support plugin, loaded only by the test stack. With `cluster.enabled: false`, Kuzzle 2.56 still
 * asks a few cluster-only events (realtime room bookkeeping, cluster events, status). Nobody answers
 * them, so realtime subscriptions fail with `core.fatal.assertion_failed`. This plugin answers them the
 * way a one-node cluster would. Kuzzle itself is not modified.
 */
interface RoomState {
  index: string;
  collection: string;
  normalized: unknown;
  subscribers: number;
}

import { Plugin, PluginContext } from 'kuzzle';
import type { JSONObject } from 'kuzzle-sdk';

type Ask = (event: string, fn: (...args: any[]) => unknown) => void;

function splitKoncordeIndex(koncordeIndex: string): { index: string; collection: string } {
  // Kuzzle's koncorde index is `<index>/<collection>` (see core/realtime koncordeCompat)
  const at = koncordeIndex.indexOf('/');
  return at === -1
    ? { index: koncordeIndex, collection: '' }
    : { index: koncordeIndex.slice(0, at), collection: koncordeIndex.slice(at + 1) };
}

export class SingleNodeClusterPlugin extends Plugin {
  private rooms = new Map<string, RoomState>();

  constructor() {
    super({ kuzzleVersion: '>=2.56.0 <3' });
  }

  async init(config: JSONObject, context: PluginContext): Promise<void> {
    this.config = config;
    this.context = context;
    const kuzzle = (global as any).kuzzle;
    if (kuzzle.config.cluster.enabled) return; // the real cluster answers these

    const onAsk: Ask = (event, fn) => kuzzle.onAsk(event, fn);
    const onCall: Ask = (event, fn) => kuzzle.onCall(event, fn);

    onCall('core:realtime:room:create:after', (normalized: { id: string; index: string }) => {
      const { index, collection } = splitKoncordeIndex(normalized.index);
      this.rooms.set(normalized.id, { index, collection, normalized, subscribers: 0 });
    });
    onCall('core:realtime:subscribe:after', (roomId: string) => {
      const room = this.rooms.get(roomId);
      if (room) room.subscribers++;
    });
    onCall('core:realtime:unsubscribe:after', (roomId: string) => {
      const room = this.rooms.get(roomId);
      if (room) room.subscribers = Math.max(0, room.subscribers - 1);
    });
    onAsk('cluster:realtime:room:remove', (roomId: string) => { this.rooms.delete(roomId); });
    onAsk('cluster:realtime:room:count', (roomId: string) => this.rooms.get(roomId)?.subscribers ?? 0);
    onAsk('cluster:realtime:filters:get', (roomId: string) => this.rooms.get(roomId)?.normalized ?? null);
    onAsk('cluster:realtime:room:list', () => {
      const list: Record<string, Record<string, Record<string, number>>> = {};
      for (const [roomId, room] of this.rooms) {
        list[room.index] ??= {};
        list[room.index][room.collection] ??= {};
        list[room.index][room.collection][roomId] = room.subscribers;
      }
      return list;
    });
    onAsk('cluster:status:get', () => ({
      activeNodes: 1,
      nodes: [{ id: 'single-node', address: '127.0.0.1', birthdate: Date.now() }],
    }));
    onAsk('cluster:node:preventEviction', () => undefined);
    // `cluster:event:*` are deliberately NOT answered: a Kuzzle with the cluster off has nobody to
    // answer them, and the api-keys plugin must cope with that (its broadcast guard is exercised here).
  }
}
