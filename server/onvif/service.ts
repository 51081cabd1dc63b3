/**
 * ONVIF for the rest of Watchpost: discovery on request, onboarding (probe + add the camera with its main and sub
 * streams), snapshots and thumbnails, PTZ presets. Credentials live only in the camera's (encrypted) source.
 */
import { wellFormed } from '../integrity/text.ts';
import type { CameraService, CameraView } from '../cameras/service.ts';
import { urlWithCredentials, type CameraConfig, type CameraOnvifView } from '../cameras/types.ts';
import type { EventBus } from '../events/bus.ts';
import { AppError, badRequest, conflict } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { OnvifClient, type Preset } from './client.ts';
import { probeNetwork, type FoundDevice } from './discovery.ts';
import { toAppError } from './errors.ts';
import { deviceLabel, probeDevice, type ProbeInput, type ProbeResult } from './probe.ts';
import type { OnvifRecord, OnvifRepo } from './repo.ts';
import { fetchSnapshot, makeThumbnail, toJpeg } from './snapshot.ts';
import { Stills, type Still } from './stills.ts';
import type { DiscoveredDevice, DiscoveryResult, ProbeView } from '../../shared/wire/onvif.ts';
import { setDefaultRequestTimeout, withDeadline } from './soap-guard.ts';
import { PtzControl } from './ptz-control.ts';
import { onvifPtzDriver } from './ptz-driver.ts';

const log = createLogger('onvif');

export interface OnvifSettings {
  discoveryWaitMs: number;
  requestTimeoutMs: number;
  onboardTimeoutMs: number;
  clockWarnMs: number;
  thumbnailTtlMs: number;
}

export interface OnvifDeps {
  cameras: CameraService;
  repo: OnvifRepo;
  bus: EventBus;
  ffmpegPath: string;
  liveDir: (cameraId: string) => string;
  settings: OnvifSettings;
}

/** Discovery, probe and presets on the wire: shared/wire/onvif.ts (the console imports the same module). */
export type { DiscoveredDevice, DiscoveryResult, ProbeView } from '../../shared/wire/onvif.ts';
/** The probe answer is the probe result without its server-side addresses, plus what the service adds: a compile
 *  error here when the two drift apart. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type MustBeTrue<T extends true> = T;
export type ProbeViewIsProbeResultPlus = MustBeTrue<
  Same<ProbeView, Omit<ProbeResult, 'snapshotUri' | 'mediaXaddr' | 'ptzXaddr'> & { clockWarning: boolean; alreadyAdded: string | null; thumbnail: string | null; thumbnailError: string | null }>
>;

export interface OnboardInput extends ProbeInput {
  name?: string;
  id?: string;
  enabled?: boolean;
  urn?: string;
}

/** Compare XAddrs by scheme, host, port and path. */
export function sameXaddr(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.protocol === y.protocol && x.host === y.host && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return a === b;
  }
}

/**
 * A discovery answer, with manufacturer and model from GetDeviceInformation (read at probe, stored) when the device
 * is already added: scopes rarely name the manufacturer (there is no standard scope for it) and WS-Discovery has no
 * credentials to ask the device.
 */
export function withDeviceInformation(f: FoundDevice, rec: Pick<OnvifRecord, 'manufacturer' | 'model'> | undefined, alreadyAdded: string | null): DiscoveredDevice {
  return { ...f, manufacturer: rec?.manufacturer || f.manufacturer, model: rec?.model || f.model, alreadyAdded };
}

export class OnvifService {
  private readonly records = new Map<string, OnvifRecord>();
  private readonly stills: Stills;
  /** clock offsets read since onboarding (PTZ calls re-read them): what the next client starts from */
  private readonly clocks = new Map<string, number>();
  /** manual PTZ from the single view: ContinuousMove/Stop with the dead-man stop, presets (ptz-control.ts) */
  readonly ptzControl: PtzControl;

  constructor(private readonly d: OnvifDeps) {
    setDefaultRequestTimeout(d.settings.requestTimeoutMs);
    this.stills = new Stills(d.ffmpegPath, d.liveDir, d.settings.thumbnailTtlMs);
    d.bus.on('camera.changed', ({ cameraId, removed }) => {
      this.stills.forget(cameraId);
      if (removed) this.records.delete(cameraId);
    });
    d.cameras.addViewExtra((c) => this.viewExtra(c));
    this.ptzControl = new PtzControl({
      driver: onvifPtzDriver({
        target: (id) => {
          const { client, rec } = this.ptzTarget(id);
          return { client, ptzXaddr: rec.ptzXaddr, profile: rec.mainToken };
        },
        gotoPreset: (id, preset) => this.gotoPreset(id, preset),
        requestTimeoutMs: () => this.d.settings.requestTimeoutMs,
      }),
    });
  }

  /** The stored ONVIF facts (once, at start). */
  async load(): Promise<void> {
    for (const r of await this.d.repo.list()) this.records.set(r.cameraId, r);
  }

  private clockWarning(offset: number | null): boolean {
    return offset !== null && Math.abs(offset) > this.d.settings.clockWarnMs;
  }

  viewExtra(c: CameraConfig): Pick<CameraView, 'onvif' | 'clockOffsetMs' | 'thumbnailUrl'> {
    const r = this.records.get(c.id);
    const onvif: CameraOnvifView | null = r
      ? {
          xaddr: r.xaddr,
          manufacturer: r.manufacturer,
          model: r.model,
          firmware: r.firmware,
          mainProfile: r.mainToken,
          subProfile: r.subToken,
          ptz: r.capabilities.ptz,
          snapshot: r.capabilities.snapshot,
          clockOffsetMs: r.clockOffsetMs,
          clockWarning: this.clockWarning(r.clockOffsetMs),
        }
      : null;
    return { onvif, clockOffsetMs: r?.clockOffsetMs ?? null, thumbnailUrl: `/api/onvif/cameras/${encodeURIComponent(c.id)}/thumbnail` };
  }

  private addedFrom(urn: string | undefined, xaddr: string): string | null {
    for (const r of this.records.values()) {
      if ((urn && r.urn === urn) || sameXaddr(r.xaddr, xaddr)) return r.cameraId;
    }
    return null;
  }

  async discover(): Promise<DiscoveryResult> {
    const t0 = Date.now();
    let found: FoundDevice[];
    try {
      found = await probeNetwork(this.d.settings.discoveryWaitMs);
    } catch (e) {
      throw new AppError(503, 'discovery_failed', `discovery could not run: ${(e as Error).message}`, {}, { params: { detail: (e as Error).message } });
    }
    const devices = found.map((f) => {
      const added = this.addedFrom(f.urn, f.xaddr);
      return withDeviceInformation(f, added ? this.records.get(added) : undefined, added);
    });
    const durationMs = Date.now() - t0;
    log.info('discovery finished', { devices: devices.length, durationMs });
    return { devices, durationMs };
  }

  private async runProbe(input: ProbeInput): Promise<ProbeResult> {
    const { onboardTimeoutMs: totalMs, requestTimeoutMs } = this.d.settings;
    try {
      return await probeDevice(input, { totalMs, requestTimeoutMs });
    } catch (e) {
      const err = toAppError(e);
      log.warn('onvif probe failed', { xaddr: input.xaddr, code: err.code, reason: err.message });
      throw err;
    }
  }

  async probe(input: ProbeInput & { urn?: string }): Promise<ProbeView> {
    const r = await this.runProbe(input);
    let thumbnail: string | null = null;
    let thumbnailError: string | null = null;
    try {
      const still = r.snapshotUri
        ? await fetchSnapshot(r.snapshotUri, input.username, input.password, 4000)
        : await this.stills.grab(urlWithCredentials(r.sub?.uri ?? r.main.uri, input.username, input.password));
      thumbnail = `data:image/jpeg;base64,${(await makeThumbnail(still)).toString('base64')}`;
    } catch (e) {
      thumbnailError = toAppError(e).message;
    }
    const { snapshotUri: _s, mediaXaddr: _m, ptzXaddr: _p, ...rest } = r;
    return {
      ...rest,
      clockWarning: this.clockWarning(r.clockOffsetMs),
      alreadyAdded: this.addedFrom(input.urn, input.xaddr),
      thumbnail,
      thumbnailError,
    };
  }

  async onboard(input: OnboardInput): Promise<CameraConfig> {
    const before = this.addedFrom(input.urn, input.xaddr);
    if (before) throw conflict(`this camera is already added as "${before}"`, 'exists', { what: 'camera', name: before });
    const r = await this.runProbe(input);
    const meanwhile = this.addedFrom(input.urn, input.xaddr);
    if (meanwhile) throw conflict(`this camera is already added as "${meanwhile}"`, 'exists', { what: 'camera', name: meanwhile });
    const name = input.name?.trim() || deviceLabel(r.device) || new URL(r.xaddr).hostname;
    const cam = await this.d.cameras.create({
      id: input.id,
      name: wellFormed(name.slice(0, 100)), // a device's own name is not typed by a person: sanitised, not refused
      url: r.main.uri,
      subUrl: r.sub?.uri ?? null,
      username: input.username || undefined,
      password: input.password || undefined,
      enabled: input.enabled,
    });
    const rec: OnvifRecord = {
      cameraId: cam.id,
      xaddr: r.xaddr,
      urn: input.urn ?? null,
      ...r.device,
      mediaXaddr: r.mediaXaddr,
      ptzXaddr: r.ptzXaddr,
      mainToken: r.main.token,
      subToken: r.sub?.token ?? null,
      snapshotUri: r.snapshotUri,
      capabilities: r.capabilities,
      clockOffsetMs: r.clockOffsetMs,
      clockCheckedAt: Date.now(),
    };
    try {
      await this.d.repo.save(rec);
    } catch (e) {
      await this.d.cameras.remove(cam.id).catch(() => undefined);
      throw e;
    }
    this.records.set(cam.id, rec);
    this.d.bus.emit('camera.changed', { cameraId: cam.id });
    log.info('camera onboarded over ONVIF', {
      camera: cam.id,
      xaddr: r.xaddr,
      model: deviceLabel(r.device),
      main: r.main.token,
      sub: r.sub?.token ?? null,
      clockOffsetMs: r.clockOffsetMs,
      durationMs: r.durationMs,
    });
    if (this.clockWarning(r.clockOffsetMs)) {
      log.warn('camera clock is off', { camera: cam.id, clockOffsetMs: r.clockOffsetMs });
    }
    return cam;
  }

  /** The camera's still with its real type (JPEG or PNG as the device sent it): GET /api/onvif/cameras/:id/snapshot. */
  still(cameraId: string): Promise<Still> {
    return this.stills.snapshot(this.d.cameras.require(cameraId), this.records.get(cameraId)?.snapshotUri ?? null);
  }

  /** Always a JPEG (a PNG from the device is converted): for callers that serve it as image/jpeg (zone editor). */
  async snapshot(cameraId: string): Promise<Buffer> {
    const s = await this.still(cameraId);
    return s.type === 'image/jpeg' ? s.body : toJpeg(s.body).catch((e: unknown) => Promise.reject(toAppError(e)));
  }

  thumbnail(cameraId: string): Promise<Buffer> {
    return this.stills.thumbnail(this.d.cameras.require(cameraId), this.records.get(cameraId)?.snapshotUri ?? null);
  }

  private ptzTarget(cameraId: string): { client: OnvifClient; rec: OnvifRecord & { ptzXaddr: string; mainToken: string } } {
    const cam = this.d.cameras.require(cameraId);
    const rec = this.records.get(cameraId);
    if (!rec?.ptzXaddr || !rec.mainToken) throw conflict(`camera "${cameraId}" has no ONVIF PTZ`, 'no_ptz', { camera: cameraId });
    const client = new OnvifClient(rec.xaddr, cam.source.username ?? '', cam.source.password ?? '', this.clocks.get(cameraId) ?? rec.clockOffsetMs ?? 0, (ms) => this.clocks.set(cameraId, ms));
    return { client, rec: rec as OnvifRecord & { ptzXaddr: string; mainToken: string } };
  }

  async presets(cameraId: string): Promise<Preset[]> {
    const { client, rec } = this.ptzTarget(cameraId);
    try {
      return await withDeadline(this.d.settings.requestTimeoutMs * 2, async () => {
        await client.readClock().catch(() => null); // the clock may have drifted since onboarding
        return client.ptz(rec.ptzXaddr).presets(rec.mainToken);
      });
    } catch (e) {
      throw toAppError(e);
    }
  }

  async gotoPreset(cameraId: string, presetToken: string): Promise<void> {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(presetToken)) throw badRequest('preset: not a valid preset token');
    const { client, rec } = this.ptzTarget(cameraId);
    try {
      await withDeadline(this.d.settings.requestTimeoutMs * 2, async () => {
        await client.readClock().catch(() => null);
        await client.ptz(rec.ptzXaddr).gotoPreset(rec.mainToken, presetToken);
      });
    } catch (e) {
      throw toAppError(e);
    }
    log.info('ptz preset', { camera: cameraId, preset: presetToken });
  }

  /** PTZ GetStatus: true = at rest, false = moving, null = the camera does not say (patrol waits a settle time). */
  async ptzIdle(cameraId: string): Promise<boolean | null> {
    const { client, rec } = this.ptzTarget(cameraId);
    try {
      return await withDeadline(this.d.settings.requestTimeoutMs, () => client.ptz(rec.ptzXaddr).idle(rec.mainToken));
    } catch (e) {
      throw toAppError(e);
    }
  }
}
