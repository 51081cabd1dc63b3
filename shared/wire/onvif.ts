/**
 * ONVIF on the wire: discovery (POST /api/discovery), probe (POST /api/onvif/probe) and PTZ presets
 * (GET /api/onvif/cameras/:id/presets). The server (server/onvif) and the console (web/src/data/onvif.ts) both
 * import this module. Same rule as shared/wire/dispatch.ts: types, constants and pure functions only, no imports.
 */

/** GetDeviceInformation. */
export interface OnvifDeviceInfo {
  manufacturer: string;
  model: string;
  firmware: string;
  serial: string;
  hardwareId: string;
}

/** A media profile of the device. */
export interface OnvifProfileView {
  token: string;
  name: string;
  encoding: string | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  bitrateKbps: number | null;
}

export interface OnvifCapabilities {
  ptz: boolean;
  snapshot: boolean;
  events: boolean;
  imaging: boolean;
}

/** A device that answered WS-Discovery. */
export interface DiscoveredDevice {
  urn: string;
  name: string;
  manufacturer: string;
  model: string;
  /** The device service URL to onboard with (the first http(s) XAddr, IPv4 preferred). */
  xaddr: string;
  xaddrs: string[];
  /** Host of the XAddr. */
  address: string;
  location: string;
  /** Id of the camera already onboarded from this device, or null. */
  alreadyAdded: string | null;
}

export interface DiscoveryResult {
  devices: DiscoveredDevice[];
  durationMs: number;
}

/** What POST /api/onvif/probe answers: the device, its profiles and the pick, never a credential or snapshot URI. */
export interface ProbeView {
  xaddr: string;
  device: OnvifDeviceInfo;
  profiles: OnvifProfileView[];
  main: { token: string; uri: string };
  sub: { token: string; uri: string } | null;
  capabilities: OnvifCapabilities;
  /** Device clock minus server clock (ms); null when the device does not tell. */
  clockOffsetMs: number | null;
  clockWarning: boolean;
  alreadyAdded: string | null;
  /** data:image/jpeg;base64 thumbnail, or null with thumbnailError. */
  thumbnail: string | null;
  thumbnailError: string | null;
  durationMs: number;
}

export interface PresetView {
  token: string;
  name: string;
}
