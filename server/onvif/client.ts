/**
 * Thin typed wrapper around node-onvif's device, media and PTZ services. Every answer is read defensively
 * (devices differ); every failure comes out as an OnvifError (errors.ts). Credentials stay in memory only.
 */
import { createRequire } from 'node:module';
import './soap-guard.ts';
import { OnvifError, classifyOnvifError } from './errors.ts';
import type { OnvifDeviceInfo as DeviceInfo, OnvifProfileView as ProfileInfo, PresetView as Preset } from '../../shared/wire/onvif.ts';

const require = createRequire(import.meta.url);

interface SoapResult {
  data: Record<string, unknown>;
}
interface Service {
  setAuth(user: string, pass: string): void;
  time_diff: number;
}
interface DeviceService extends Service {
  getSystemDateAndTime(): Promise<SoapResult>;
  getCapabilities(): Promise<SoapResult>;
  getServices(p: { IncludeCapability: boolean }): Promise<SoapResult>;
  getDeviceInformation(): Promise<SoapResult>;
}
interface MediaService extends Service {
  getProfiles(): Promise<SoapResult>;
  getStreamUri(p: { ProfileToken: string; Protocol: 'RTSP' }): Promise<SoapResult>;
  getSnapshotUri(p: { ProfileToken: string }): Promise<SoapResult>;
}
interface PtzService extends Service {
  getPresets(p: { ProfileToken: string }): Promise<SoapResult>;
  gotoPreset(p: { ProfileToken: string; PresetToken: string }): Promise<SoapResult>;
  getStatus(p: { ProfileToken: string }): Promise<SoapResult>;
  continuousMove(p: { ProfileToken: string; Velocity: { x: number; y: number; z: number } }): Promise<SoapResult>;
  stop(p: { ProfileToken: string; PanTilt: boolean; Zoom: boolean }): Promise<SoapResult>;
}
type Ctor<T> = new (p: { xaddr: string; time_diff?: number }) => T;
const DeviceCtor = require('node-onvif/lib/modules/service-device.js') as Ctor<DeviceService>;
const MediaCtor = require('node-onvif/lib/modules/service-media.js') as Ctor<MediaService>;
const PtzCtor = require('node-onvif/lib/modules/service-ptz.js') as Ctor<PtzService>;

/** Device information, profiles and presets are on the wire as they are: shared/wire/onvif.ts. */
export type { DeviceInfo, ProfileInfo, Preset };
export interface ServiceAddrs {
  media: string | null;
  ptz: string | null;
  events: boolean;
  imaging: boolean;
}

/** Tokens go into SOAP bodies unescaped by node-onvif: accept only plain ones. */
export const TOKEN_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

export function checkToken(token: string, what: string): string {
  if (!TOKEN_RE.test(token)) throw new OnvifError('bad_response', `the camera uses an unsupported ${what} token`);
  return token;
}

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The text of an xml2js node that may carry attributes ({_: text, $: attrs}). */
export function text(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (v && typeof v === 'object' && '_' in v) return String((v as { _: unknown })._).trim();
  return '';
}
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const num = (v: unknown): number | null => {
  const n = Number.parseFloat(text(v));
  return Number.isFinite(n) ? n : null;
};
const attr = (v: unknown, name: string): string => text(obj(obj(v).$)[name]);

export function checkXaddr(xaddr: string): URL {
  let u: URL;
  try {
    u = new URL(xaddr);
  } catch {
    throw new OnvifError('unreachable', 'not a valid XAddr URL (e.g. http://192.168.1.64/onvif/device_service)');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new OnvifError('unreachable', 'the XAddr must be an http:// or https:// URL');
  if (u.username || u.password) throw new OnvifError('unreachable', 'put the credentials in the username and password fields, not in the XAddr');
  return u;
}

export class OnvifClient {
  private readonly device: DeviceService;
  /** the device service without credentials: GetSystemDateAndTime goes without a UsernameToken */
  private readonly anonymous: DeviceService;
  private timeDiffMs: number;

  constructor(
    readonly xaddr: string,
    private readonly username: string,
    private readonly password: string,
    timeDiffMs = 0,
    /** told every clock offset readClock() measures */
    private readonly onClock?: (offsetMs: number) => void,
  ) {
    checkXaddr(xaddr);
    this.timeDiffMs = timeDiffMs;
    this.device = this.make(DeviceCtor, xaddr);
    this.anonymous = new DeviceCtor({ xaddr: checkXaddr(xaddr).toString() });
  }

  private make<T extends Service>(C: Ctor<T>, xaddr: string): T {
    let s: T;
    try {
      s = new C({ xaddr: checkXaddr(xaddr).toString(), time_diff: this.timeDiffMs });
    } catch (e) {
      throw new OnvifError('bad_response', `unusable service address from the camera: ${(e as Error).message}`);
    }
    // setAuth does not reject non-ASCII or <> in passwords; the password only enters the digest
    s.setAuth(xmlEscape(this.username), this.password);
    s.time_diff = this.timeDiffMs;
    return s;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw classifyOnvifError(e);
    }
  }

  /**
   * Device clock minus ours (ms, ±1 s: ONVIF reports whole seconds), or null when the device does not say.
   * Asked without a UsernameToken (ONVIF: GetSystemDateAndTime needs none): with one, a device whose clock is far
   * off refuses the token's timestamp and looks like a wrong password. Only a device that insists gets one.
   */
  async readClock(): Promise<number | null> {
    let t0 = Date.now();
    const r = await this.call(() => this.anonymous.getSystemDateAndTime()).catch((e: unknown) => {
      if (!(e instanceof OnvifError) || e.kind !== 'auth') throw e;
      t0 = Date.now();
      return this.call(() => this.device.getSystemDateAndTime());
    });
    const t1 = Date.now();
    const sdt = obj(obj(r.data.GetSystemDateAndTimeResponse).SystemDateAndTime);
    const utc = obj(sdt.UTCDateTime);
    const d = obj(utc.Date);
    const t = obj(utc.Time);
    const parts = [d.Year, d.Month, d.Day, t.Hour, t.Minute, t.Second].map((v) => num(v));
    if (parts.some((p) => p === null)) return null;
    const [Y, M, D, h, m, s] = parts as number[];
    const deviceMs = Date.UTC(Y!, M! - 1, D!, h!, m!, s!) + 500; // whole seconds: take the middle
    const offset = Math.round(deviceMs - (t0 + t1) / 2);
    this.timeDiffMs = offset;
    this.device.time_diff = offset;
    this.onClock?.(offset);
    return offset;
  }

  async services(): Promise<ServiceAddrs> {
    try {
      const r = await this.call(() => this.device.getCapabilities());
      const c = obj(obj(r.data.GetCapabilitiesResponse).Capabilities);
      const x = (k: string) => text(obj(c[k]).XAddr) || null;
      return { media: x('Media'), ptz: x('PTZ'), events: Boolean(x('Events')), imaging: Boolean(x('Imaging')) };
    } catch (e) {
      if ((e as OnvifError).kind !== 'unsupported' && (e as OnvifError).kind !== 'fault') throw e;
    }
    const r = await this.call(() => this.device.getServices({ IncludeCapability: false }));
    const found: Record<string, string> = {};
    for (const s of list(obj(r.data.GetServicesResponse).Service)) found[text(obj(s).Namespace)] = text(obj(s).XAddr);
    const by = (re: RegExp) => Object.entries(found).find(([ns]) => re.test(ns))?.[1] || null;
    return { media: by(/ver10\/media\/wsdl/), ptz: by(/ver20\/ptz\/wsdl/), events: Boolean(by(/events\/wsdl/)), imaging: Boolean(by(/imaging\/wsdl/)) };
  }

  async deviceInformation(): Promise<DeviceInfo> {
    const r = await this.call(() => this.device.getDeviceInformation());
    const i = obj(r.data.GetDeviceInformationResponse);
    return {
      manufacturer: text(i.Manufacturer),
      model: text(i.Model),
      firmware: text(i.FirmwareVersion),
      serial: text(i.SerialNumber),
      hardwareId: text(i.HardwareId),
    };
  }

  media(xaddr: string): MediaClient {
    return new MediaClient(this.make(MediaCtor, xaddr), (fn) => this.call(fn));
  }

  ptz(xaddr: string): PtzClient {
    return new PtzClient(this.make(PtzCtor, xaddr), (fn) => this.call(fn));
  }
}

type Caller = <T>(fn: () => Promise<T>) => Promise<T>;

export class MediaClient {
  constructor(
    private readonly s: MediaService,
    private readonly call: Caller,
  ) {}

  async profiles(): Promise<ProfileInfo[]> {
    const r = await this.call(() => this.s.getProfiles());
    return list(obj(r.data.GetProfilesResponse).Profiles)
      .map((p) => {
        const enc = obj(obj(p).VideoEncoderConfiguration);
        const res = obj(enc.Resolution);
        const rate = obj(enc.RateControl);
        return {
          token: attr(p, 'token'),
          name: text(obj(p).Name),
          encoding: text(enc.Encoding) || null,
          width: num(res.Width),
          height: num(res.Height),
          fps: num(rate.FrameRateLimit),
          bitrateKbps: num(rate.BitrateLimit),
        };
      })
      .filter((p) => TOKEN_RE.test(p.token));
  }

  async streamUri(token: string): Promise<string> {
    const r = await this.call(() => this.s.getStreamUri({ ProfileToken: checkToken(token, 'profile'), Protocol: 'RTSP' }));
    const uri = text(obj(obj(r.data.GetStreamUriResponse).MediaUri).Uri);
    if (!uri) throw new OnvifError('bad_response', 'the camera returned no stream URI');
    return uri;
  }

  async snapshotUri(token: string): Promise<string | null> {
    const r = await this.call(() => this.s.getSnapshotUri({ ProfileToken: checkToken(token, 'profile') }));
    return text(obj(obj(r.data.GetSnapshotUriResponse).MediaUri).Uri) || null;
  }
}

export class PtzClient {
  constructor(
    private readonly s: PtzService,
    private readonly call: Caller,
  ) {}

  async presets(profileToken: string): Promise<Preset[]> {
    const r = await this.call(() => this.s.getPresets({ ProfileToken: checkToken(profileToken, 'profile') }));
    return list(obj(r.data.GetPresetsResponse).Preset)
      .map((p) => ({ token: attr(p, 'token'), name: text(obj(p).Name) }))
      .filter((p) => TOKEN_RE.test(p.token))
      .map((p) => ({ token: p.token, name: p.name || p.token }));
  }

  async gotoPreset(profileToken: string, presetToken: string): Promise<void> {
    await this.call(() => this.s.gotoPreset({ ProfileToken: checkToken(profileToken, 'profile'), PresetToken: checkToken(presetToken, 'preset') }));
  }

  /**
   * ContinuousMove in the generic velocity space, each axis −1..1 (checked again here: nothing else reaches the
   * camera). node-onvif leaves Zoom out when it is 0 (pan/tilt only), as the standard allows.
   */
  async continuousMove(profileToken: string, v: { pan: number; tilt: number; zoom: number }): Promise<void> {
    for (const [k, n] of Object.entries(v)) {
      if (!Number.isFinite(n) || n < -1 || n > 1) throw new OnvifError('bad_response', `${k} velocity out of range: ${n}`);
    }
    await this.call(() => this.s.continuousMove({ ProfileToken: checkToken(profileToken, 'profile'), Velocity: { x: v.pan, y: v.tilt, z: v.zoom } }));
  }

  /** Stop pan/tilt and zoom. */
  async stop(profileToken: string): Promise<void> {
    await this.call(() => this.s.stop({ ProfileToken: checkToken(profileToken, 'profile'), PanTilt: true, Zoom: true }));
  }

  /**
   * PTZ GetStatus MoveStatus: true when neither pan/tilt nor zoom is MOVING, false while one is, null when the
   * camera does not report a move status (no GetStatus, or no MoveStatus in it).
   */
  async idle(profileToken: string): Promise<boolean | null> {
    let r: SoapResult;
    try {
      r = await this.call(() => this.s.getStatus({ ProfileToken: checkToken(profileToken, 'profile') }));
    } catch (e) {
      if (e instanceof OnvifError && e.kind === 'unsupported') return null;
      throw e;
    }
    const ms = obj(obj(obj(r.data.GetStatusResponse).PTZStatus).MoveStatus);
    const states = [text(ms.PanTilt), text(ms.Zoom)].filter(Boolean).map((v) => v.toUpperCase());
    if (!states.length) return null;
    return !states.includes('MOVING');
  }
}
