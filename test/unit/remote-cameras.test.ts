/**
 * Other nodes' cameras as this node lists them (server/cluster/remote-cameras.ts over a NodeTable, manual clock):
 * each once with its node (the first node heard), a local id left out, offline `recorder down` when the node's
 * heartbeats run out — noticed by the watch (a 'camera.remote' event on the bus), not by a request.
 */
import { describe, expect, it } from 'vitest';
import { NodeTable, parseInfo } from '../../server/cluster/node-table.ts';
import { RemoteCameras } from '../../server/cluster/remote-cameras.ts';
import { EventBus } from '../../server/events/bus.ts';
import { remoteCameraView } from '../../shared/wire/cameras.ts';

const info = (node: string, at: number) => parseInfo(JSON.stringify({ node, role: 'recorder', at, cameras: 1, heartbeatMs: 1000 }))!;
const state = (id: string, status = 'online') => JSON.stringify({ id, name: `门 ${id}`, status, reason: null, since: 5 });

describe('remote cameras', () => {
  it('the list: first node heard wins an id, a local id is left out (logged once); the wire view has no source', () => {
    const t = new NodeTable('me');
    t.info(info('b', 0), false, 0);
    t.info(info('c', 0), false, 0);
    t.camera('b', 'gate', state('gate'));
    t.camera('c', 'gate', state('gate', 'offline'));
    t.camera('c', 'yard', state('yard'));
    t.camera('c', 'mine', state('mine'));
    expect(t.allCameras(0).map((x) => `${x.node} ${x.camera.id}`)).toEqual(['b gate', 'c mine', 'c yard']);
    const r = new RemoteCameras({ published: () => t.allCameras(0), isLocal: (id) => id === 'mine', bus: new EventBus() });
    expect(r.list().map((c) => `${c.node} ${c.id} ${c.origin}`)).toEqual(['b gate remote', 'c yard remote']);
    expect(r.get('mine')).toBeUndefined();
    const v = r.get('gate')!;
    expect([v.url, v.subUrl, v.hasCredentials, v.onvif, v.hlsUrl, v.status, v.statusReason]).toEqual([null, null, false, null, '/hls/gate/index.m3u8', 'online', null]);
    expect(remoteCameraView('b', { id: 'x', name: 'x', status: 'weird', reason: null, since: null }).status).toBe('offline');
  });

  it("the watch: a node's heartbeats running out make its cameras offline recorder down on the bus; removals too", () => {
    const t = new NodeTable('me');
    let now = 0;
    t.info(info('b', 0), false, 0);
    t.camera('b', 'gate', state('gate'));
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('camera.remote', (e) => seen.push(`${e.cameraId}${e.removed ? ' removed' : ''}`));
    const r = new RemoteCameras({ published: () => t.allCameras(now), isLocal: () => false, bus });
    r.start();
    r.stop(); // the test drives check() itself
    now = 2500;
    r.check();
    expect(seen).toEqual([]); // 2 missed heartbeats: still up
    now = 3500;
    r.check();
    expect(seen).toEqual(['gate']);
    expect([r.get('gate')!.status, r.get('gate')!.statusReason]).toEqual(['offline', 'recorder down']);
    r.check();
    expect(seen).toEqual(['gate']); // no change, no event
    t.camera('b', 'gate', '');
    r.check();
    expect(seen).toEqual(['gate', 'gate removed']);
  });
});
