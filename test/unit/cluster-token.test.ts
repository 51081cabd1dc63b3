/**
 * The node token of video through another node (server/cluster/token.ts), the hostile cases first: a forged MAC,
 * another secret, an expired or too long-lived token, another path or query, method, audience, a token sent back
 * to its issuer, junk; and the /hls path check that decides what is ever sent to another node (proxy.ts), and the
 * config checks of cluster.url / cluster.secret.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_MS, signToken, verifyToken } from '../../server/cluster/token.ts';
import { parseHlsPath } from '../../server/cluster/proxy.ts';
import { clusterSchema } from '../../server/config/schema.ts';
import { loadConfig } from '../../server/config/load.ts';
import { NodeTable, parseInfo } from '../../server/cluster/node-table.ts';

const SECRET = 'a-cluster-secret-of-more-than-32-bytes!!';
const NOW = 1_800_000_000_000;
const P = '/hls/gate/index.m3u8?ll=1&_HLS_msn=12&_HLS_part=3';
const claims = { m: 'GET', p: P, u: 'admin', iss: 'central', aud: 'rec-1' };
const want = { method: 'GET', path: P, self: 'rec-1' };

describe('node token', () => {
  it('is valid for exactly its request, node and lifetime', () => {
    const t = signToken(SECRET, claims, NOW);
    expect(verifyToken(SECRET, t, want, NOW + 1000)).toMatchObject({ u: 'admin', iss: 'central', aud: 'rec-1', exp: NOW + 10_000 });
    expect(verifyToken(SECRET, t, want, NOW + 10_000)).toBeNull(); // expired
    expect(verifyToken(SECRET, t, { ...want, path: '/hls/gate/index.m3u8?ll=1&_HLS_msn=13&_HLS_part=0' }, NOW)).toBeNull();
    expect(verifyToken(SECRET, t, { ...want, path: '/hls/other/index.m3u8' }, NOW)).toBeNull();
    expect(verifyToken(SECRET, t, { ...want, method: 'DELETE' }, NOW)).toBeNull();
    expect(verifyToken(SECRET, t, { ...want, self: 'rec-2' }, NOW)).toBeNull(); // wrong audience
    expect(verifyToken('another-secret-of-more-than-32-bytes!!!!', t, want, NOW)).toBeNull();
  });

  it('a lifetime over 30 s is cut to 30 s; a token claiming more is refused', () => {
    const t = signToken(SECRET, claims, NOW, 3_600_000);
    expect(verifyToken(SECRET, t, want, NOW)!.exp).toBe(NOW + MAX_TOKEN_MS);
    // a forger who knows the secret's format but not the secret cannot stretch it: changing exp breaks the MAC
    const [v, body, mac] = t.split('.');
    const long = JSON.parse(Buffer.from(body!, 'base64url').toString()) as { exp: number };
    long.exp = NOW + 3_600_000;
    expect(verifyToken(SECRET, `${v}.${Buffer.from(JSON.stringify(long)).toString('base64url')}.${mac}`, want, NOW)).toBeNull();
    // one signed with the secret itself but living an hour (another program) is refused too
    const text = JSON.stringify({ ...claims, exp: NOW + 3_600_000 });
    const real = `v1.${Buffer.from(text).toString('base64url')}.${createHmac('sha256', SECRET).update(text).digest('base64url')}`;
    expect(verifyToken(SECRET, real, want, NOW)).toBeNull();
  });

  it('junk, a flipped MAC bit, a token back at its issuer: null, never a throw', () => {
    const t = signToken(SECRET, claims, NOW);
    const flipped = t.slice(0, -2) + (t.at(-2) === 'A' ? 'B' : 'A') + t.at(-1);
    for (const bad of [undefined, '', 'v1', 'v1..', 'v2.' + t.slice(3), flipped, t + 'x', 'v1.e30.' + t.split('.')[2], 'x'.repeat(5000), 42]) {
      expect(verifyToken(SECRET, bad, want, NOW)).toBeNull();
    }
    const back = signToken(SECRET, { ...claims, iss: 'rec-1' }, NOW);
    expect(verifyToken(SECRET, back, want, NOW)).toBeNull();
  });
});

describe('what is ever sent to another node', () => {
  it('plain camera ids and file names only', () => {
    expect(parseHlsPath('/gate/index.m3u8?ll=1&_HLS_msn=3&_HLS_part=1')).toEqual({ camera: 'gate', rest: 'index.m3u8', query: 'll=1&_HLS_msn=3&_HLS_part=1' });
    expect(parseHlsPath('/gate/main/ll_p12.m4s')).toEqual({ camera: 'gate', rest: 'main/ll_p12.m4s', query: '' });
    for (const bad of ['/gate/../index.m3u8', '/gate/..%2F..%2Fapi%2Fusers', '/gate%2F..%2Fx/index.m3u8', '/%E9%97%A8/index.m3u8', '/门/index.m3u8', '/Gate/index.m3u8',
      '/gate/x/index.m3u8', '/gate/main/../../api', '/gate/index.m3u8?x=%0d%0a', '/gate/index.m3u8?a=b/../c', '/gate/', '//gate/index.m3u8', '/gate/.hidden', '/ｇate/index.m3u8']) {
      expect(parseHlsPath(bad), bad).toBeUndefined();
    }
  });
});

describe('cluster.url and cluster.secret', () => {
  it('a plain http(s) URL of the node; a secret of 32 bytes or more; errors name the path, never the secret', () => {
    expect(clusterSchema.parse({ url: 'http://10.0.0.5:8080', secret: 'x'.repeat(32) })).toMatchObject({ url: 'http://10.0.0.5:8080' });
    for (const url of ['ftp://x', 'http://', 'http://u:p@x:1', 'http://x/prefix', 'http://x?a=1', 'x:8080', 'http://x#f']) {
      const r = clusterSchema.safeParse({ url });
      expect(r.success, url).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(['url']);
    }
    const short = 'short-secret-' + 'y'.repeat(10);
    expect(() => loadConfig(undefined, { WATCHPOST_CLUSTER_SECRET: short })).toThrow(/invalid cluster environment variable/);
    try {
      loadConfig(undefined, { WATCHPOST_CLUSTER_SECRET: short });
    } catch (e) {
      const text = JSON.stringify(e) + String(e) + JSON.stringify((e as { problems?: unknown }).problems);
      expect(text).toContain('WATCHPOST_CLUSTER_SECRET: cluster.secret: must be at least 32 bytes');
      expect(text).not.toContain(short);
    }
    expect(loadConfig(undefined, { WATCHPOST_NODE_URL: 'https://rec-1.site:8443', WATCHPOST_CLUSTER_SECRET: 'z'.repeat(40) }).config.cluster).toMatchObject({ url: 'https://rec-1.site:8443', secret: 'z'.repeat(40) });
    expect(() => loadConfig(undefined, { WATCHPOST_NODE_URL: 'mqtt://x' })).toThrow();
  });
});

describe("the heartbeat's url (NodeTable)", () => {
  const info = (url: unknown) => parseInfo(JSON.stringify({ node: 'b', role: 'standalone', at: 1, cameras: 1, url }))!;
  it('a plain http(s) URL is kept with the camera holder; anything else is dropped, the heartbeat still counts', () => {
    const t = new NodeTable('me');
    t.info(info('http://127.0.0.1:8081'), false, 1000);
    t.camera('b', 'gate', JSON.stringify({ id: 'gate', name: 'Gate', status: 'online', reason: null, since: 1 }));
    expect(t.holderOf('gate')).toEqual({ node: 'b', url: 'http://127.0.0.1:8081' });
    expect(t.holderOf('other')).toBeUndefined();
    for (const bad of ['file:///etc/passwd', 'http://x/api', 'http://u:p@x', 'javascript:alert(1)', 42]) {
      t.info(info(bad), false, 2000);
      expect(t.holderOf('gate'), String(bad)).toEqual({ node: 'b', url: undefined });
      expect(t.isOnline('b', 2000)).toBe(true);
    }
    t.forget('b');
    expect(t.holderOf('gate')).toBeUndefined();
  });
});
