/**
 * WS-Discovery with node-onvif, only when someone asks (POST /api/discovery, or the opt-in
 * onvif.discoverOnStart). One probe at a time: node-onvif keeps its state in a singleton, so concurrent callers
 * share the probe in flight.
 */
import type { DiscoveredDevice } from '../../shared/wire/onvif.ts';
import { createRequire } from 'node:module';
import type { Socket } from 'node:dgram';
import './soap-guard.ts';
import { createLogger } from '../util/log.ts';

const require = createRequire(import.meta.url);
const log = createLogger('onvif');

interface RawProbe {
  urn: string;
  name: string;
  hardware: string;
  location: string;
  types: string[] | string;
  xaddrs: string[];
  scopes: string[];
}
interface OnvifDiscovery {
  _DISCOVERY_WAIT: number;
  _udp: Socket | null;
  startProbe(): Promise<RawProbe[]>;
  _sendProbe(): Promise<void>;
  __watchpostGuard?: boolean;
}

function discoveryModule(): OnvifDiscovery {
  const onvif = require('node-onvif') as OnvifDiscovery;
  if (!onvif.__watchpostGuard) {
    // node-onvif drops every error listener once bound and then sends: an unhandled socket error would kill
    // the process, so put one back right before the probes go out
    const send = onvif._sendProbe.bind(onvif);
    onvif._sendProbe = () => {
      onvif._udp?.on('error', (err) => log.warn('discovery socket error', { err }));
      return send();
    };
    onvif.__watchpostGuard = true;
  }
  return onvif;
}

/** A device that answered WS-Discovery: the wire's DiscoveredDevice before the service adds alreadyAdded. */
export type FoundDevice = Omit<DiscoveredDevice, 'alreadyAdded'>;

let inFlight: Promise<RawProbe[]> | null = null;

function scope(scopes: string[], ...keys: string[]): string {
  for (const k of keys) {
    const s = scopes.find((x) => x.toLowerCase().startsWith(`onvif://www.onvif.org/${k.toLowerCase()}/`));
    if (s) {
      const v = s.slice(`onvif://www.onvif.org/${k}/`.length);
      try {
        return decodeURIComponent(v).replace(/_/g, ' ').trim();
      } catch {
        return v.replace(/_/g, ' ').trim();
      }
    }
  }
  return '';
}

export function toFoundDevice(p: RawProbe): FoundDevice | null {
  const xaddrs = (p.xaddrs ?? []).filter((x) => /^https?:\/\/[^\s]+$/i.test(x));
  const xaddr = xaddrs.find((x) => !/^https?:\/\/\[/.test(x)) ?? xaddrs[0];
  if (!xaddr) return null;
  let address = '';
  try {
    address = new URL(xaddr).hostname;
  } catch {
    return null;
  }
  const scopes = Array.isArray(p.scopes) ? p.scopes : [];
  return {
    urn: String(p.urn).slice(0, 200),
    name: scope(scopes, 'name').slice(0, 100),
    manufacturer: scope(scopes, 'manufacturer', 'mfr', 'brand').slice(0, 100),
    model: scope(scopes, 'hardware', 'model').slice(0, 100),
    xaddr,
    xaddrs,
    address,
    location: scope(scopes, 'location').slice(0, 100),
  };
}

/** Send WS-Discovery probes and collect the answers for `waitMs`. */
export async function probeNetwork(waitMs: number): Promise<FoundDevice[]> {
  if (!inFlight) {
    const onvif = discoveryModule();
    // node-onvif sends 9 probes 150 ms apart; never stop before the last one went out
    onvif._DISCOVERY_WAIT = Math.max(1500, waitMs);
    inFlight = onvif.startProbe().finally(() => (inFlight = null));
  }
  const raw = await inFlight;
  const out: FoundDevice[] = [];
  for (const p of raw) {
    const d = toFoundDevice(p);
    if (d) out.push(d);
  }
  return out;
}
