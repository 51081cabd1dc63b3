/**
 * NodeTable (server/cluster/node-table.ts): which nodes on the broker are up, on a manual clock — heartbeats, the
 * status topic (Last Will), retained messages from before we subscribed, missed heartbeats, payloads that are not
 * heartbeats.
 */
import { describe, expect, it } from 'vitest';
import { NodeTable, parseInfo } from '../../server/cluster/node-table.ts';

const info = (node: string, at: number, extra: Record<string, unknown> = {}) => parseInfo(JSON.stringify({ node, role: 'recorder', version: '1', at, cameras: 4, online: 3, heartbeatMs: 5000, ...extra }))!;
const statuses = (t: NodeTable, now: number) => t.list(now).map((n) => `${n.id} ${n.status}`);

describe('NodeTable', () => {
  it('a live heartbeat: online until 3 heartbeats are missed (15 s at 5 s), then offline; itself is never listed', () => {
    const t = new NodeTable('me');
    t.info(info('b', 1000), false, 1000);
    t.info(info('me', 1000), false, 1000);
    expect(t.list(1000)).toEqual([{ id: 'b', role: 'recorder', status: 'online', lastSeen: 1000, cameras: 4 }]);
    expect(statuses(t, 16_000)).toEqual(['b online']);
    expect(statuses(t, 16_001)).toEqual(['b offline']);
    t.info(info('b', 16_500), false, 16_500);
    expect(statuses(t, 16_500)).toEqual(['b online']);
  });

  it('the status topic: "offline" (Last Will, clean stop) at once; a later live heartbeat is online again', () => {
    const t = new NodeTable('me');
    t.info(info('b', 0), false, 0);
    t.status('b', 'offline', 100);
    expect(statuses(t, 100)).toEqual(['b offline']);
    t.info(info('b', 200), false, 200);
    expect(statuses(t, 200)).toEqual(['b online']);
  });

  it('retained messages: an old heartbeat counts from the time it carries, a retained "offline" holds, a clock ahead is capped at now', () => {
    const t = new NodeTable('me');
    t.status('old', 'offline', 60_000);
    t.info(info('old', 1000), true, 60_000);
    t.info(info('stale', 1000), true, 60_000); // the node died without a Last Will (broker restarted meanwhile)
    t.info(info('ahead', 999_999), true, 60_000);
    expect(statuses(t, 60_000)).toEqual(['ahead online', 'old offline', 'stale offline']);
    expect(t.list(60_000).find((n) => n.id === 'ahead')!.lastSeen).toBe(60_000);
  });

  it("a node's own heartbeat interval sets its deadline; forget() removes it", () => {
    const t = new NodeTable('me');
    t.info(info('slow', 0, { heartbeatMs: 30_000 }), false, 0);
    expect(statuses(t, 89_000)).toEqual(['slow online']);
    expect(statuses(t, 91_000)).toEqual(['slow offline']);
    t.forget('slow');
    expect(t.list(91_000)).toEqual([]);
  });

  it("another node's cameras: their published state while it is up, offline 'recorder down' while it is down; junk ignored", () => {
    const t = new NodeTable('me');
    const state = (id: string, status: string, extra: Record<string, unknown> = {}) => JSON.stringify({ id, name: `门 ${id}`, status, reason: null, since: 5, state: 'ON', ...extra });
    t.camera('b', 'c1', state('c1', 'online'));
    expect(t.cameras('b', 0)).toBeUndefined(); // cameras, but no node yet
    t.info(info('b', 1000), false, 1000);
    t.camera('b', 'c2', state('c2', 'offline', { reason: 'unreachable' }));
    t.camera('b', 'c3', state('c9', 'online')); // names another camera
    t.camera('b', 'Bad Id', state('Bad Id', 'online'));
    t.camera('b', 'c4', '{nope');
    expect(t.cameras('b', 1000)).toEqual([
      { id: 'c1', name: '门 c1', status: 'online', reason: null, since: 5 },
      { id: 'c2', name: '门 c2', status: 'offline', reason: 'unreachable', since: 5 },
    ]);
    t.status('b', 'offline', 2000);
    expect(t.cameras('b', 2000)!.map((c) => `${c.id} ${c.status} ${c.reason} ${c.since}`)).toEqual(['c1 offline recorder down 1000', 'c2 offline recorder down 1000']);
    t.info(info('b', 3000), false, 3000);
    t.camera('b', 'c2', ''); // removed on its node
    expect(t.cameras('b', 3000)!.map((c) => `${c.id} ${c.status}`)).toEqual(['c1 online']);
  });

  it('payloads that are not heartbeats are refused', () => {
    for (const p of ['', '{', 'null', '[]', '"x"', JSON.stringify({ node: 'B', role: 'recorder', at: 1, cameras: 1 }), JSON.stringify({ node: 'b', role: 'boss', at: 1, cameras: 1 }),
      JSON.stringify({ node: 'b', role: 'recorder', at: 'now', cameras: 1 }), JSON.stringify({ node: 'b', role: 'recorder', at: 1, cameras: 1.5 }), JSON.stringify({ node: 'b/x', role: 'recorder', at: 1, cameras: 1 })]) {
      expect(parseInfo(p), p).toBeNull();
    }
    expect(parseInfo(JSON.stringify({ node: 'b', role: 'central', at: 1, cameras: 0, heartbeatMs: 1 }))).toEqual({ node: 'b', role: 'central', at: 1, cameras: 0, heartbeatMs: undefined, version: undefined });
    const t = new NodeTable('me');
    t.status('b', 'sometimes', 0);
    t.status('Bad Name', 'online', 0);
    expect(t.list(0)).toEqual([]);
  });
});
