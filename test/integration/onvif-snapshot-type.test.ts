/**
 * Issue K against the real server and the virtual ONVIF camera on 127.0.0.1 (no browser, no multicast): a camera
 * whose snapshot is a PNG — sent with the wrong label, image/jpeg — is served as image/png with its own bytes; the
 * thumbnail and the zone editor's snapshot.jpg are real JPEGs; a camera onboarded without a name is named
 * "AXIS Q6045-E" from GetDeviceInformation, not "AXIS AXIS Q6045-E".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';
import { VirtualOnvifCamera } from '../support/virtual-onvif/camera.ts';

let wp: Watchpost;
let cam: VirtualOnvifCamera;
let cookie = '';

const get = (path: string) => fetch(`${wp.url}${path}`, { headers: { cookie } });
const magic = async (res: Response) => Buffer.from(await res.arrayBuffer()).subarray(0, 4).toString('hex');

beforeAll(async () => {
  cam = await new VirtualOnvifCamera({
    name: 'Gate',
    mainUri: 'rtsp://127.0.0.1:9/main', // never connects: the snapshot comes from the ONVIF snapshot URI
    password: 'cam-pw-1',
    snapshotFormat: 'png',
    snapshotContentType: 'image/jpeg',
    device: { manufacturer: 'AXIS', model: 'AXIS Q6045-E' },
  }).start();
  wp = await startWatchpost({ configYaml: 'demo: false\n' });
  cookie = await login(wp.url, 'admin', wp.adminPassword);
});

afterAll(async () => {
  await wp?.dispose();
  await cam?.stop();
});

describe('ONVIF snapshots keep their real type', () => {
  it('onboards with a name from GetDeviceInformation that does not repeat the vendor', async () => {
    const res = await fetch(`${wp.url}/api/onvif/cameras`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ xaddr: cam.xaddr, username: 'admin', password: 'cam-pw-1', id: 'gate' }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = (await res.json()) as { id: string; name: string; onvif: { manufacturer: string; model: string } };
    expect(created.name).toBe('AXIS Q6045-E');
    expect(created.onvif).toMatchObject({ manufacturer: 'AXIS', model: 'AXIS Q6045-E' });
  });

  it('serves the PNG snapshot as image/png, the thumbnail and the zone snapshot as JPEG', async () => {
    const snap = await get('/api/onvif/cameras/gate/snapshot');
    expect(snap.status).toBe(200);
    expect(snap.headers.get('content-type')).toBe('image/png');
    expect(await magic(snap)).toBe('89504e47');

    const thumb = await get('/api/onvif/cameras/gate/thumbnail');
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    expect((await magic(thumb)).slice(0, 6)).toBe('ffd8ff');

    // the zone editor's background is named .jpg and labelled image/jpeg: it gets a JPEG made from the PNG
    const zoneSnap = await get('/api/cameras/gate/snapshot.jpg');
    expect(zoneSnap.status).toBe(200);
    expect(zoneSnap.headers.get('content-type')).toMatch(/^image\/jpeg/);
    expect((await magic(zoneSnap)).slice(0, 6)).toBe('ffd8ff');
  });
});
