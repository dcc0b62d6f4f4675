import { ClusterSync, INVALIDATE_EVENT } from '../../../lib/auth/ClusterSync';

describe('ClusterSync', () => {
  const message = { kind: 'deleted' as const, keyId: 'k1', fingerprint: 'f1', userId: 'u1' };

  it('broadcasts invalidations to the other nodes when the cluster answers', async () => {
    const sent: unknown[] = [];
    const sync = new ClusterSync({
      broadcast: async (event, payload) => { sent.push([event, payload]); },
      on: async () => undefined,
    }, () => undefined);
    await sync.listen(() => undefined);
    await expect(sync.broadcast(message)).resolves.toBe(true);
    expect(sent).toEqual([[INVALIDATE_EVENT, message]]);
  });

  it('with the cluster disabled (nobody answers cluster events), listen and broadcast do not throw', async () => {
    const noAnswer = async () => { throw new Error("the requested ask event 'cluster:event:on' doesn't have an answerer"); };
    const debug: string[] = [];
    let broadcasts = 0;
    const sync = new ClusterSync({
      broadcast: async () => { broadcasts++; throw new Error('no answerer'); },
      on: noAnswer,
    }, (m) => debug.push(m));
    await expect(sync.listen(() => undefined)).resolves.toBeUndefined();
    await expect(sync.broadcast(message)).resolves.toBe(false);
    expect(broadcasts).toBe(0); // known single node: not even attempted
    expect(debug.join()).toContain('single node');
  });

  it('a failing broadcast is reported, never thrown', async () => {
    const sync = new ClusterSync({
      broadcast: async () => { throw new Error('network down'); },
      on: async () => undefined,
    }, () => undefined);
    await sync.listen(() => undefined);
    await expect(sync.broadcast(message)).resolves.toBe(false);
  });

  it('without a cluster accessor, nothing is attempted', async () => {
    const sync = new ClusterSync(undefined, () => undefined);
    await sync.listen(() => undefined);
    await expect(sync.broadcast(message)).resolves.toBe(false);
  });
});
