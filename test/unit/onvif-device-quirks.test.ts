/**
 * Issue K, ONVIF against the virtual camera on 127.0.0.1 behaving like real devices: a device's own fault text is
 * shown even when it says "undefined"; GetSystemDateAndTime goes without a UsernameToken (a camera with a wrong clock
 * that checks every token still onboards); on a tie in resolution main is the H.264 profile, not JPEG; manufacturer
 * and model come from GetDeviceInformation and the default name does not repeat the vendor; a PNG snapshot stays a PNG.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { OnvifClient, type ProfileInfo } from '../../server/onvif/client.ts';
import { DeviceFault, toAppError } from '../../server/onvif/errors.ts';
import { deviceLabel, pickProfiles, probeDevice } from '../../server/onvif/probe.ts';
import { browserImage, fetchSnapshot, imageType } from '../../server/onvif/snapshot.ts';
import { withDeviceInformation } from '../../server/onvif/service.ts';
import { VirtualOnvifCamera, type VirtualCameraOptions } from '../support/virtual-onvif/camera.ts';

const OPTS = { totalMs: 4000, requestTimeoutMs: 1500 };
const MAIN = 'rtsp://127.0.0.1:8554/main';
const cred = { username: 'admin', password: 'admin' };

const cams: VirtualOnvifCamera[] = [];
const start = async (o: Partial<VirtualCameraOptions> = {}) => {
  const c = await new VirtualOnvifCamera({ name: 'cam', mainUri: MAIN, ...o }).start();
  cams.push(c);
  return c;
};
afterAll(async () => {
  await Promise.all(cams.map((c) => c.stop()));
});

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const a = toAppError(e);
    return { code: a.code, message: a.message };
  }
  throw new Error('expected a failure');
}

describe('a device fault is shown in its own words', () => {
  it('even when it mentions "undefined" (HTTP 400 and a fault sent with 200)', async () => {
    const cam = await start({ faults: { GetProfiles: 'Media profile undefined: configure a video encoder first' } });
    const f = await failure(probeDevice({ xaddr: cam.xaddr, ...cred }, OPTS));
    expect(f.code).toBe('onvif_fault');
    expect(f.message).toContain('Media profile undefined: configure a video encoder first');
    expect(f.message).not.toMatch(/does not understand/);
    const fault200 = toAppError(new DeviceFault(200, 'Value undefined for parameter Token ter:InvalidArgVal'));
    expect([fault200.code, fault200.message]).toEqual(['onvif_fault', 'the camera answered with an error: HTTP 200 - Value undefined for parameter Token ter:InvalidArgVal']);
    // our own parsing crash still reads as a response we do not understand; a device's NotAuthorized is still auth
    expect(toAppError(new TypeError("Cannot read properties of undefined (reading 'Body')")).code).toBe('onvif_bad_response');
    expect(toAppError(new DeviceFault(400, 'Sender not Authorized ter:NotAuthorized')).code).toBe('onvif_auth_failed');
  });
});

describe('the device clock is read without credentials', () => {
  it('sends GetSystemDateAndTime without a UsernameToken', async () => {
    const cam = await start();
    const r = await probeDevice({ xaddr: cam.xaddr, ...cred }, OPTS);
    expect(r.clockOffsetMs).not.toBeNull();
    expect(cam.state.withToken.GetSystemDateAndTime ?? 0).toBe(0);
    expect(cam.state.withToken.GetDeviceInformation).toBeGreaterThan(0);
  });

  it('a camera 5 min off that checks every token onboards (it used to look like a wrong password)', async () => {
    const cam = await start({ clockSkewMs: -300_000, strictTokens: true });
    const r = await probeDevice({ xaddr: cam.xaddr, ...cred }, OPTS);
    expect(Math.abs(r.clockOffsetMs! + 300_000)).toBeLessThan(1200);
    expect(r.device.model).toBe('VCAM-1');
    // and a wrong password on such a camera is still a wrong password
    expect((await failure(probeDevice({ xaddr: cam.xaddr, username: 'admin', password: 'nope' }, OPTS))).code).toBe('onvif_auth_failed');
  });

  it('a device that insists on a token for the clock still gets one', async () => {
    const cam = await start({ authEverything: true, clockSkewMs: 20_000 });
    const c = new OnvifClient(cam.xaddr, 'admin', 'admin');
    expect(Math.abs((await c.readClock())! - 20_000)).toBeLessThan(1200);
    expect(cam.state.withToken.GetSystemDateAndTime).toBe(1);
    expect((await c.deviceInformation()).model).toBe('VCAM-1');
  });
});

describe('main stream on a tie in resolution', () => {
  const P = (token: string, w: number, h: number, encoding: string): ProfileInfo => ({ token, name: token, encoding, width: w, height: h, fps: 25, bitrateKbps: 1000 });

  it('prefers H.264 over JPEG, whichever comes first', () => {
    expect(pickProfiles([P('mjpeg', 1920, 1080, 'JPEG'), P('h264', 1920, 1080, 'H264'), P('sub', 640, 360, 'H264')]).main.token).toBe('h264');
    expect(pickProfiles([P('h264', 1920, 1080, 'H264'), P('mjpeg', 1920, 1080, 'JPEG')]).main.token).toBe('h264');
    expect(pickProfiles([P('mjpeg', 2560, 1440, 'JPEG'), P('h264', 1920, 1080, 'H264')]).main.token).toBe('mjpeg'); // more pixels still win
  });

  it('from a device that lists its JPEG profile first', async () => {
    const spec = (token: string, w: number, h: number, encoding: string) => ({ token, name: token, width: w, height: h, fps: 25, bitrateKbps: 4000, rtspUri: `${MAIN}/${token}`, encoding });
    const cam = await start({ profiles: [spec('mjpeg', 1920, 1080, 'JPEG'), spec('h264', 1920, 1080, 'H264'), spec('sub', 640, 360, 'H264')] });
    const r = await probeDevice({ xaddr: cam.xaddr, ...cred }, OPTS);
    expect(r.main).toEqual({ token: 'h264', uri: `${MAIN}/h264` });
    expect(r.sub?.token).toBe('sub');
  });
});

describe('device information', () => {
  it('manufacturer and model from GetDeviceInformation; the label does not repeat the vendor', async () => {
    const cam = await start({ device: { manufacturer: 'AXIS', model: 'AXIS Q6045-E' } });
    const r = await probeDevice({ xaddr: cam.xaddr, ...cred }, OPTS);
    expect(r.device).toMatchObject({ manufacturer: 'AXIS', model: 'AXIS Q6045-E' });
    expect(deviceLabel(r.device)).toBe('AXIS Q6045-E');
    expect(deviceLabel({ manufacturer: 'Hikvision', model: 'DS-2CD2143G2-I' })).toBe('Hikvision DS-2CD2143G2-I');
    expect(deviceLabel({ manufacturer: 'HIKVISION', model: 'hikvision DS-2' })).toBe('hikvision DS-2');
    expect(deviceLabel({ manufacturer: '', model: 'VCAM-1' })).toBe('VCAM-1');
    expect(deviceLabel({ manufacturer: 'ACME ', model: '' })).toBe('ACME');
  });
});

describe('discovery of a device already added', () => {
  it('shows manufacturer and model read by GetDeviceInformation at probe, not the (usually absent) scope', () => {
    const found = { urn: 'urn:uuid:1', name: 'AXIS Q6045-E', manufacturer: '', model: 'Q6045-E', xaddr: 'http://192.0.2.9/onvif/device_service', xaddrs: [], address: '192.0.2.9', location: '' };
    expect(withDeviceInformation(found, { manufacturer: 'AXIS', model: 'AXIS Q6045-E' }, 'gate')).toMatchObject({ manufacturer: 'AXIS', model: 'AXIS Q6045-E', alreadyAdded: 'gate' });
    expect(withDeviceInformation(found, undefined, null)).toMatchObject({ manufacturer: '', model: 'Q6045-E', alreadyAdded: null });
  });
});

describe('snapshot types', () => {
  it('a PNG snapshot is a PNG, even labelled image/jpeg; a JPEG stays a JPEG', async () => {
    const png = await start({ snapshotFormat: 'png', snapshotContentType: 'image/jpeg' });
    const body = await fetchSnapshot(`${png.base}/snapshot/main.jpg`, 'admin', 'admin');
    expect(body.subarray(0, 4).toString('hex')).toBe('89504e47');
    expect(imageType(body)).toBe('image/png');
    expect((await browserImage(body)).type).toBe('image/png');
    const jpeg = await start();
    expect(imageType(await fetchSnapshot(`${jpeg.base}/snapshot/main.jpg`, 'admin', 'admin'))).toBe('image/jpeg');
    const sharp = (await import('sharp')).default;
    const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).webp().toBuffer();
    expect(imageType(webp)).toBeNull();
    const converted = await browserImage(webp);
    expect([converted.type, imageType(converted.body)]).toEqual(['image/jpeg', 'image/jpeg']);
    await expect(browserImage(Buffer.from('not an image'))).rejects.toThrow(/cannot be decoded/);
  });
});
