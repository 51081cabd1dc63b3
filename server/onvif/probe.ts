/**
 * Onboarding probe: from an XAddr and credentials to everything a camera needs — device information, profiles,
 * the main stream (recording, single view) and a sub stream (wall tiles), the snapshot URI, capabilities and the
 * device clock offset.
 */
import { stripCredentials } from '../cameras/types.ts';
import { OnvifError } from './errors.ts';
import { OnvifClient, type DeviceInfo, type ProfileInfo } from './client.ts';
import { withDeadline } from './soap-guard.ts';
import type { OnvifCapabilities } from '../../shared/wire/onvif.ts';

export interface ProbeInput {
  xaddr: string;
  username: string;
  password: string;
  /** Profile tokens chosen by the user; by default the largest is main and the smallest other one is sub. */
  mainProfile?: string;
  subProfile?: string | null;
}

export type { OnvifCapabilities } from '../../shared/wire/onvif.ts';

export interface ProbeResult {
  xaddr: string;
  device: DeviceInfo;
  profiles: ProfileInfo[];
  main: { token: string; uri: string };
  sub: { token: string; uri: string } | null;
  /** May carry credentials in its query on some devices: kept server-side, never returned by the API. */
  snapshotUri: string | null;
  mediaXaddr: string;
  ptzXaddr: string | null;
  capabilities: OnvifCapabilities;
  clockOffsetMs: number | null;
  durationMs: number;
}

const pixels = (p: ProfileInfo) => (p.width ?? 0) * (p.height ?? 0);
/** Browsers play H.264 live without transcoding: prefer it for the sub stream. */
const isH264 = (p: ProfileInfo) => /^h\.?264$/i.test(p.encoding ?? '');

/**
 * Main = most pixels (on a tie the H.264 one: it records and plays without transcoding, a JPEG profile does not);
 * sub = fewest pixels among the rest (H.264 first), or none when there is one profile.
 */
export function pickProfiles(profiles: ProfileInfo[], mainToken?: string, subToken?: string | null): { main: ProfileInfo; sub: ProfileInfo | null } {
  if (!profiles.length) throw new OnvifError('unsupported', 'the camera has no media profile');
  const byToken = (t: string) => {
    const p = profiles.find((x) => x.token === t);
    if (!p) throw new OnvifError('unsupported', `the camera has no profile "${t}"`);
    return p;
  };
  const main = mainToken ? byToken(mainToken) : [...profiles].sort((a, b) => pixels(b) - pixels(a) || Number(isH264(b)) - Number(isH264(a)))[0]!;
  if (subToken === null) return { main, sub: null };
  if (subToken) return { main, sub: subToken === main.token ? null : byToken(subToken) };
  const rest = profiles.filter((p) => p.token !== main.token && pixels(p) < pixels(main));
  rest.sort((a, b) => Number(isH264(b)) - Number(isH264(a)) || pixels(a) - pixels(b));
  return { main, sub: rest[0] ?? null };
}

/**
 * "Manufacturer Model" for names and logs, without saying the vendor twice: many devices repeat it in the model
 * (GetDeviceInformation of an Axis: AXIS / "AXIS Q6045-E" → "AXIS Q6045-E", not "AXIS AXIS Q6045-E").
 */
export function deviceLabel(d: { manufacturer: string; model: string }): string {
  const maker = d.manufacturer.trim();
  const model = d.model.trim();
  if (!maker || !model) return maker || model;
  return model.toLowerCase().startsWith(maker.toLowerCase()) ? model : `${maker} ${model}`;
}

function rtspOnly(uri: string, what: string): string {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new OnvifError('bad_response', `the camera returned an invalid ${what} stream URI`);
  }
  if (u.protocol !== 'rtsp:' && u.protocol !== 'rtsps:') {
    throw new OnvifError('unsupported', `the camera offers no RTSP ${what} stream (got ${u.protocol.replace(':', '')})`);
  }
  // some devices embed credentials: ours are kept apart (encrypted), never in the URL
  return stripCredentials(uri);
}

/** Talk to the device; the whole probe is bounded by `totalMs`. */
export function probeDevice(input: ProbeInput, opts: { totalMs: number; requestTimeoutMs: number }): Promise<ProbeResult> {
  return withDeadline(
    opts.totalMs,
    async () => {
      const t0 = Date.now();
      const client = new OnvifClient(input.xaddr, input.username, input.password);
      // pre-auth: clock first, so the WS-Security timestamps match the device's clock
      const clockOffsetMs = await client.readClock().catch((e: unknown) => {
        if (e instanceof OnvifError && (e.kind === 'unreachable' || e.kind === 'timeout' || e.kind === 'bad_response')) throw e;
        return null;
      });
      const svc = await client.services();
      if (!svc.media) throw new OnvifError('unsupported', 'the camera offers no ONVIF media service');
      const device = await client.deviceInformation(); // needs valid credentials
      const media = client.media(svc.media);
      const profiles = await media.profiles();
      const { main, sub } = pickProfiles(profiles, input.mainProfile, input.subProfile);
      const mainUri = rtspOnly(await media.streamUri(main.token), 'main');
      const subUri = sub ? rtspOnly(await media.streamUri(sub.token), 'sub') : null;
      const snapshotUri = await media.snapshotUri(main.token).catch((e: unknown) => {
        if (e instanceof OnvifError && e.kind === 'timeout') throw e;
        return null;
      });
      return {
        xaddr: input.xaddr,
        device,
        profiles,
        main: { token: main.token, uri: mainUri },
        sub: sub && subUri ? { token: sub.token, uri: subUri } : null,
        snapshotUri: snapshotUri && /^https?:\/\//i.test(snapshotUri) ? snapshotUri : null,
        mediaXaddr: svc.media,
        ptzXaddr: svc.ptz,
        capabilities: { ptz: Boolean(svc.ptz), snapshot: Boolean(snapshotUri), events: svc.events, imaging: svc.imaging },
        clockOffsetMs,
        durationMs: Date.now() - t0,
      };
    },
    opts.requestTimeoutMs,
  );
}
