import { describe, expect, it } from 'vitest';
import { pickProfiles } from '../../server/onvif/probe.ts';
import { toFoundDevice } from '../../server/onvif/discovery.ts';
import { digestAuthorization } from '../../server/onvif/snapshot.ts';
import { sameXaddr } from '../../server/onvif/service.ts';
import type { ProfileInfo } from '../../server/onvif/client.ts';

const P = (token: string, w: number, h: number, encoding = 'H264'): ProfileInfo => ({
  token, name: token, encoding, width: w, height: h, fps: 25, bitrateKbps: 1000,
});

describe('main / sub stream choice', () => {
  it('main = most pixels, sub = smallest other one, H.264 preferred for the sub', () => {
    const r = pickProfiles([P('sub', 640, 360), P('third', 1280, 720), P('main', 2560, 1440)]);
    expect(r.main.token).toBe('main');
    expect(r.sub?.token).toBe('sub');
    const h265 = pickProfiles([P('main', 1920, 1080), P('s265', 352, 288, 'H265'), P('s264', 640, 480)]);
    expect(h265.sub?.token).toBe('s264');
  });

  it('one profile: no sub; equal sizes: no sub; user choice wins; unknown token is an error', () => {
    expect(pickProfiles([P('only', 1920, 1080)]).sub).toBeNull();
    expect(pickProfiles([P('a', 1920, 1080), P('b', 1920, 1080)]).sub).toBeNull();
    const chosen = pickProfiles([P('a', 1920, 1080), P('b', 640, 360)], 'b', 'a');
    expect([chosen.main.token, chosen.sub?.token]).toEqual(['b', 'a']);
    expect(pickProfiles([P('a', 1920, 1080), P('b', 640, 360)], undefined, null).sub).toBeNull();
    expect(() => pickProfiles([P('a', 1, 1)], 'zz')).toThrow(/no profile "zz"/);
    expect(() => pickProfiles([])).toThrow(/no media profile/);
  });
});

describe('discovery results', () => {
  it('reads name, manufacturer and model from scopes and picks an IPv4 http XAddr', () => {
    const d = toFoundDevice({
      urn: 'urn:uuid:1',
      name: '',
      hardware: '',
      location: '',
      types: [],
      xaddrs: ['http://[fe80::1]/onvif/device_service', 'http://192.0.2.7/onvif/device_service'],
      scopes: [
        'onvif://www.onvif.org/name/%E4%B8%9C%E9%97%A8_Gate',
        'onvif://www.onvif.org/hardware/DS-2CD2143',
        'onvif://www.onvif.org/manufacturer/ACME',
        'onvif://www.onvif.org/location/lobby',
      ],
    });
    expect(d).toEqual({
      urn: 'urn:uuid:1',
      name: '东门 Gate',
      manufacturer: 'ACME',
      model: 'DS-2CD2143',
      xaddr: 'http://192.0.2.7/onvif/device_service',
      xaddrs: ['http://[fe80::1]/onvif/device_service', 'http://192.0.2.7/onvif/device_service'],
      address: '192.0.2.7',
      location: 'lobby',
    });
  });

  it('drops answers without a usable XAddr', () => {
    expect(toFoundDevice({ urn: 'u', name: '', hardware: '', location: '', types: [], xaddrs: ['ftp://x'], scopes: [] })).toBeNull();
  });

  it('compares XAddrs by scheme, host, port and path', () => {
    expect(sameXaddr('http://10.0.0.5/onvif/device_service', 'http://10.0.0.5:80/onvif/device_service/')).toBe(true);
    expect(sameXaddr('http://127.0.0.1:8001/onvif/device_service', 'http://127.0.0.1:8002/onvif/device_service')).toBe(false);
  });
});

describe('HTTP digest for snapshots', () => {
  it('answers an MD5 qop=auth challenge per RFC 2617', () => {
    const h = digestAuthorization('Digest realm="cam", qop="auth", nonce="abc", algorithm=MD5', 'GET', '/snap.jpg', 'admin', 'pw');
    expect(h).toMatch(/^Digest username="admin", realm="cam", nonce="abc", uri="\/snap.jpg", response="[0-9a-f]{32}"/);
    expect(h).toContain('qop=auth');
    expect(h).toMatch(/cnonce="[0-9a-f]{16}"/);
  });
});
