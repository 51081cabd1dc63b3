/**
 * ONVIF end to end inside a throw-away network namespace (WS-Discovery multicast never leaves it): two virtual
 * cameras on the GStreamer RTSP server, a real Watchpost server, discovery, onboarding, live HLS from the
 * sub-stream, thumbnails, PTZ presets, and every kind of bad device through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { needCapability } from '../support/capability.ts';
import { netnsSupport } from '../support/netns.ts';
import { startOnvifSite, type OnvifSite } from '../support/virtual-onvif/site.ts';

const NS = netnsSupport();

const PW = 'cam-pw-7&<x>';
let site: OnvifSite;
const figures: Record<string, number> = {};

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('ONVIF discovery and onboarding in a network namespace', () => {
  beforeAll(async () => {
    needCapability('onvif-netns: a network namespace', NS.ok, NS.reason);
    site = await startOnvifSite({
      rtspUser: 'admin',
      rtspPassword: PW,
      cameras: [
        { name: 'Gate East', main: 'main1', sub: 'sub1', password: PW, ptz: true, presets: [{ token: 'p1', name: 'Door' }, { token: 'p2', name: 'Yard' }], clockSkewMs: 30_000, discovery: true },
        { name: 'Car Park', main: 'main2', password: PW, snapshot: false, discovery: true },
        // not discoverable: only reachable by typed XAddr
        { name: 'Evil', main: 'main2', misbehave: 'entities' },
        { name: 'Mute', main: 'main2', misbehave: 'hang' },
      ],
    });
    await site.login();
  });

  afterAll(async () => {
    await site?.dispose();
    if (Object.keys(figures).length) console.info('ONVIF figures (ms):', JSON.stringify(figures));
  });

  const find = (name: string) => site.cameras.find((c) => c.name === name)!;

  it('discovers both cameras on request, within 4 s (and never before)', async () => {
    expect((await site.cameraState(find('Gate East').xaddr)).probes).toBe(0); // nothing probed at start-up
    expect((await site.request('POST', '/api/discovery', { cookie: null })).status).toBe(401);
    const t0 = Date.now();
    const r = await site.request('POST', '/api/discovery');
    figures.discovery = Date.now() - t0;
    expect(r.status).toBe(200);
    expect(figures.discovery).toBeLessThanOrEqual(4000);
    expect((await site.cameraState(find('Gate East').xaddr)).probes).toBeGreaterThan(0);
    const devices = r.json().devices as Record<string, unknown>[];
    expect(devices.map((d) => d.name).sort()).toEqual(['Car Park', 'Gate East']);
    for (const name of ['Gate East', 'Car Park']) {
      expect(devices.find((d) => d.name === name)).toMatchObject({
        urn: find(name).urn,
        xaddr: find(name).xaddr,
        address: '127.0.0.1',
        manufacturer: 'Watchpost',
        model: 'VCAM-1',
        alreadyAdded: null,
      });
    }
  });

  it('bad devices are clear errors, and the server keeps running', async () => {
    const probe = (xaddr: string, password = PW) => site.request('POST', '/api/onvif/probe', { json: { xaddr, username: 'admin', password } });
    const wrong = await probe(find('Gate East').xaddr, 'wrong');
    expect([wrong.status, wrong.json().error.code]).toEqual([422, 'onvif_auth_failed']);
    expect(wrong.json().error.message).toMatch(/^authentication failed/);
    const dead = await probe('http://127.0.0.1:9/onvif/device_service');
    expect([dead.status, dead.json().error.code]).toEqual([502, 'onvif_unreachable']);
    const evil = await probe(find('Evil').xaddr);
    expect([evil.status, evil.json().error.code]).toEqual([502, 'onvif_bad_response']);
    expect(evil.json().error.message).toMatch(/DTD or entity/);
    const mute = await probe(find('Mute').xaddr);
    expect([mute.status, mute.json().error.code]).toEqual([504, 'onvif_timeout']);
    const invalid = await probe('ftp://x');
    expect([invalid.status, invalid.json().error.code]).toEqual([400, 'invalid_request']);
    expect((await site.request('GET', '/api/health')).json().status).toBe('ok');
  });

  it('probes a camera: profiles, main/sub, clock warning, a thumbnail; no credentials or snapshot URI come back', async () => {
    let t0 = Date.now();
    const r = await site.request('POST', '/api/onvif/probe', { json: { xaddr: find('Gate East').xaddr, username: 'admin', password: PW } });
    figures['probe+preview (snapshot)'] = Date.now() - t0;
    expect(r.status).toBe(200);
    const p = r.json();
    expect(p.main).toEqual({ token: 'main', uri: 'rtsp://127.0.0.1:8554/main1' });
    expect(p.sub).toEqual({ token: 'sub', uri: 'rtsp://127.0.0.1:8554/sub1' });
    expect(p.clockWarning).toBe(true);
    expect(Math.abs(p.clockOffsetMs - 30_000)).toBeLessThan(1500);
    expect(p.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
    expect(r.text()).not.toContain(PW);
    expect(r.text()).not.toContain('/snapshot/');
    // no snapshot URI: the preview is a frame grabbed from the stream
    t0 = Date.now();
    const grabbed = await site.request('POST', '/api/onvif/probe', { json: { xaddr: find('Car Park').xaddr, username: 'admin', password: PW } });
    figures['probe+preview (frame grab)'] = Date.now() - t0;
    expect(grabbed.json()).toMatchObject({ sub: null, capabilities: { snapshot: false }, thumbnail: expect.stringMatching(/^data:image\/jpeg/) });
  });

  it('onboards both cameras (≤ 2 s each); credentials are write-only', async () => {
    for (const name of ['Gate East', 'Car Park']) {
      const c = find(name);
      const t0 = Date.now();
      const r = await site.request('POST', '/api/onvif/cameras', { json: { xaddr: c.xaddr, urn: c.urn, name, username: 'admin', password: PW } });
      figures[`onboard ${name}`] = Date.now() - t0;
      expect(r.status, r.text()).toBe(201);
      expect(figures[`onboard ${name}`]).toBeLessThanOrEqual(2000);
      expect(r.text()).not.toContain(PW);
    }
    const cams = (await site.request('GET', '/api/cameras')).json() as Record<string, unknown>[];
    expect(cams.find((c) => c.name === 'Gate East')).toMatchObject({
      id: 'gate-east',
      url: 'rtsp://127.0.0.1:8554/main1',
      subUrl: 'rtsp://127.0.0.1:8554/sub1',
      hasCredentials: true,
      clockOffsetMs: expect.any(Number),
      thumbnailUrl: '/api/onvif/cameras/gate-east/thumbnail',
      onvif: { manufacturer: 'Watchpost', model: 'VCAM-1', mainProfile: 'main', subProfile: 'sub', ptz: true, clockWarning: true },
    });
    expect(cams.find((c) => c.name === 'Car Park')).toMatchObject({ id: 'car-park', subUrl: null, onvif: { ptz: false, snapshot: false, clockWarning: false } });
    const again = await site.request('POST', '/api/onvif/cameras', { json: { xaddr: find('Car Park').xaddr, username: 'admin', password: PW } });
    expect([again.status, again.json().error.code]).toEqual([409, 'exists']);
    const found = (await site.request('POST', '/api/discovery')).json().devices as { name: string; alreadyAdded: string }[];
    expect(Object.fromEntries(found.map((d) => [d.name, d.alreadyAdded]))).toEqual({ 'Gate East': 'gate-east', 'Car Park': 'car-park' });
    expect(site.watchpost.output()).not.toContain(PW);
  });

  it('both play live over HLS (the wall tile of Gate East from its sub-stream)', async () => {
    for (const id of ['gate-east', 'car-park']) {
      await waitFor(`${id} online`, async () => ((await site.request('GET', `/api/cameras/${id}`)).json().status === 'online' ? true : undefined));
      const playlist = await waitFor(`${id} playlist`, async () => {
        const r = await site.request('GET', `/hls/${id}/index.m3u8`);
        return r.status === 200 && r.text().includes('.ts') ? r.text() : undefined;
      });
      const seg = playlist.split('\n').find((l) => l.endsWith('.ts'))!;
      const s = await site.request('GET', `/hls/${id}/${seg}`);
      expect(s.status).toBe(200);
      expect(s.body.length).toBeGreaterThan(1000);
    }
    // Gate East: the wall tile's live HLS from the sub mount; recording and the single-camera view's
    // HLS (<live>/main/) from the main mount
    const ffmpeg = site.ns.commandLines().filter((a) => /ffmpeg$/.test(a[0] ?? ''));
    const reads = (mount: string) => ffmpeg.filter((a) => a.some((x) => x.endsWith(`:8554/${mount}`)));
    expect(reads('sub1').length).toBe(1);
    expect(reads('sub1')[0]!.some((x) => x.endsWith('/gate-east/index.m3u8'))).toBe(true);
    expect(reads('main1').length).toBe(1);
    expect(reads('main1')[0]!.some((x) => x.endsWith('/gate-east/main/index.m3u8'))).toBe(true);
    expect(reads('main1')[0]!.some((x) => x.endsWith('/gate-east/index.m3u8'))).toBe(false);
    const gate = (await site.request('GET', '/api/cameras/gate-east')).json();
    expect(gate.hlsMainUrl).toBe('/hls/gate-east/main/index.m3u8');
    const main = await waitFor('main-stream playlist', async () => {
      const r = await site.request('GET', gate.hlsMainUrl);
      return r.status === 200 && r.text().includes('.ts') ? r.text() : undefined;
    });
    const mainSeg = main.split('\n').find((l) => l.endsWith('.ts'))!;
    expect((await site.request('GET', `/hls/gate-east/main/${mainSeg}`)).status).toBe(200);
  });

  it('thumbnails: the ONVIF snapshot for Gate East, a grabbed frame for Car Park', async () => {
    for (const id of ['gate-east', 'car-park']) {
      const r = await site.request('GET', `/api/onvif/cameras/${id}/thumbnail`);
      expect(r.status, r.text().slice(0, 200)).toBe(200);
      expect(r.headers['content-type']).toBe('image/jpeg');
      const meta = await sharp(r.body).metadata();
      expect([meta.width, meta.height]).toEqual([320, 180]);
    }
  });

  it('PTZ: lists presets and goes to one; a camera without PTZ says so', async () => {
    const r = await site.request('GET', '/api/onvif/cameras/gate-east/presets');
    expect(r.json()).toEqual({ presets: [{ token: 'p1', name: 'Door' }, { token: 'p2', name: 'Yard' }] });
    expect((await site.request('POST', '/api/onvif/cameras/gate-east/presets/p2/goto')).status).toBe(204);
    expect((await site.cameraState(find('Gate East').xaddr)).lastPreset).toBe('p2');
    const none = await site.request('GET', '/api/onvif/cameras/car-park/presets');
    expect([none.status, none.json().error.code]).toEqual([409, 'no_ptz']);
    const bad = await site.request('POST', '/api/onvif/cameras/gate-east/presets/nope/goto');
    expect(bad.status).toBe(502);
  });

  it('deleting a camera forgets its ONVIF record', async () => {
    expect((await site.request('DELETE', '/api/cameras/car-park')).status).toBe(204);
    const found = (await site.request('POST', '/api/discovery')).json().devices as { name: string; alreadyAdded: string | null }[];
    expect(found.find((d) => d.name === 'Car Park')?.alreadyAdded).toBeNull();
  });
});
