/** SOAP response bodies of the virtual ONVIF camera, shaped the way node-onvif reads them. */
import { esc } from './soap.ts';

export interface ProfileSpec {
  token: string;
  name: string;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  rtspUri: string;
  /** H264 (default), JPEG, H265… */
  encoding?: string;
}

export interface DeviceSpec {
  manufacturer: string;
  model: string;
  firmware: string;
  serial: string;
  hardwareId: string;
}

export interface PresetSpec {
  token: string;
  name: string;
}

const svc = (base: string) => ({
  device: `${base}/onvif/device_service`,
  media: `${base}/onvif/media_service`,
  ptz: `${base}/onvif/ptz_service`,
});

export function systemDateAndTime(deviceNow: Date): string {
  const d = deviceNow;
  return (
    `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>` +
    `<tt:DateTimeType>Manual</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>` +
    `<tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone>` +
    `<tt:UTCDateTime><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute>` +
    `<tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year>` +
    `<tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime>` +
    `</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`
  );
}

export function capabilities(base: string, ptz: boolean): string {
  const s = svc(base);
  return (
    `<tds:GetCapabilitiesResponse><tds:Capabilities>` +
    `<tt:Device><tt:XAddr>${s.device}</tt:XAddr></tt:Device>` +
    `<tt:Media><tt:XAddr>${s.media}</tt:XAddr><tt:StreamingCapabilities><tt:RTPMulticast>false</tt:RTPMulticast>` +
    `<tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>` +
    (ptz ? `<tt:PTZ><tt:XAddr>${s.ptz}</tt:XAddr></tt:PTZ>` : '') +
    `</tds:Capabilities></tds:GetCapabilitiesResponse>`
  );
}

export function services(base: string, ptz: boolean): string {
  const s = svc(base);
  const one = (ns: string, xaddr: string) =>
    `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${xaddr}</tds:XAddr>` +
    `<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`;
  return (
    `<tds:GetServicesResponse>` +
    one('http://www.onvif.org/ver10/device/wsdl', s.device) +
    one('http://www.onvif.org/ver10/media/wsdl', s.media) +
    (ptz ? one('http://www.onvif.org/ver20/ptz/wsdl', s.ptz) : '') +
    `</tds:GetServicesResponse>`
  );
}

export function deviceInformation(d: DeviceSpec): string {
  return (
    `<tds:GetDeviceInformationResponse><tds:Manufacturer>${esc(d.manufacturer)}</tds:Manufacturer>` +
    `<tds:Model>${esc(d.model)}</tds:Model><tds:FirmwareVersion>${esc(d.firmware)}</tds:FirmwareVersion>` +
    `<tds:SerialNumber>${esc(d.serial)}</tds:SerialNumber><tds:HardwareId>${esc(d.hardwareId)}</tds:HardwareId>` +
    `</tds:GetDeviceInformationResponse>`
  );
}

function profile(p: ProfileSpec, ptz: boolean): string {
  return (
    `<trt:Profiles token="${esc(p.token)}" fixed="true"><tt:Name>${esc(p.name)}</tt:Name>` +
    `<tt:VideoSourceConfiguration token="vsc"><tt:Name>VideoSource</tt:Name><tt:UseCount>2</tt:UseCount>` +
    `<tt:SourceToken>vs</tt:SourceToken><tt:Bounds x="0" y="0" width="${p.width}" height="${p.height}"/></tt:VideoSourceConfiguration>` +
    `<tt:VideoEncoderConfiguration token="vec-${esc(p.token)}"><tt:Name>${esc(p.name)}</tt:Name><tt:UseCount>1</tt:UseCount>` +
    `<tt:Encoding>${esc(p.encoding ?? 'H264')}</tt:Encoding><tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution>` +
    `<tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit>` +
    `<tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>${p.bitrateKbps}</tt:BitrateLimit></tt:RateControl>` +
    `<tt:H264><tt:GovLength>${p.fps}</tt:GovLength><tt:H264Profile>Baseline</tt:H264Profile></tt:H264></tt:VideoEncoderConfiguration>` +
    (ptz
      ? `<tt:PTZConfiguration token="ptz"><tt:Name>PTZ</tt:Name><tt:UseCount>2</tt:UseCount><tt:NodeToken>node</tt:NodeToken>` +
        `<tt:PanTiltLimits><tt:Range><tt:URI>http://www.onvif.org/ver10/tptz/PanTiltSpaces/PositionGenericSpace</tt:URI>` +
        `<tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange><tt:YRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:YRange>` +
        `</tt:Range></tt:PanTiltLimits></tt:PTZConfiguration>`
      : '') +
    `</trt:Profiles>`
  );
}

export function profiles(list: ProfileSpec[], ptz: boolean): string {
  return `<trt:GetProfilesResponse>${list.map((p) => profile(p, ptz)).join('')}</trt:GetProfilesResponse>`;
}

function mediaUri(tag: string, uri: string): string {
  return (
    `<trt:${tag}Response><trt:MediaUri><tt:Uri>${esc(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect>` +
    `<tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:${tag}Response>`
  );
}

export const streamUri = (uri: string) => mediaUri('GetStreamUri', uri);
export const snapshotUri = (uri: string) => mediaUri('GetSnapshotUri', uri);

export function presets(list: PresetSpec[]): string {
  return (
    `<tptz:GetPresetsResponse>` +
    list
      .map(
        (p, i) =>
          `<tptz:Preset token="${esc(p.token)}"><tt:Name>${esc(p.name)}</tt:Name><tt:PTZPosition>` +
          `<tt:PanTilt x="${(i / 10).toFixed(1)}" y="0"/><tt:Zoom x="0"/></tt:PTZPosition></tptz:Preset>`,
      )
      .join('') +
    `</tptz:GetPresetsResponse>`
  );
}

/** PTZ GetStatus: position and MoveStatus (MOVING while a GotoPreset is under way, else IDLE). */
export function ptzStatus(moving: boolean, pan: number, utc: Date): string {
  const m = moving ? 'MOVING' : 'IDLE';
  return (
    `<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position><tt:PanTilt x="${pan.toFixed(1)}" y="0"/><tt:Zoom x="0"/></tt:Position>` +
    `<tt:MoveStatus><tt:PanTilt>${m}</tt:PanTilt><tt:Zoom>${m}</tt:Zoom></tt:MoveStatus>` +
    `<tt:UtcTime>${utc.toISOString()}</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>`
  );
}

export interface ContinuousMoveRecord {
  pan: number;
  tilt: number;
  zoom: number;
  /** the request's Timeout (PTnS) in ms, or null without one */
  timeoutMs: number | null;
  at: number;
}

const velocityAttr = (xml: string, el: string, a: string): string | undefined =>
  new RegExp(`<(?:[\\w.-]+:)?${el}\\b[^>]*\\s${a}="([^"]*)"`).exec(xml)?.[1];

/**
 * The velocities of a ContinuousMove request (the Velocity element's PanTilt x/y and Zoom x), or an Error (SOAP
 * fault InvalidArgVal, as a real camera answers) when one is missing, not a number or outside −1..1.
 */
export function readContinuousMove(xml: string): Omit<ContinuousMoveRecord, 'at'> | Error {
  const vel = /<(?:[\w.-]+:)?Velocity\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?Velocity>/.exec(xml)?.[1];
  if (vel === undefined) return new Error('ContinuousMove without Velocity');
  const read = (el: string, a: string, optional: boolean): number | Error => {
    const raw = velocityAttr(vel, el, a);
    if (raw === undefined) return optional ? 0 : new Error(`Velocity ${el} ${a} missing`);
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < -1 || n > 1) return new Error(`Velocity ${el} ${a} out of range: ${raw}`);
    return n;
  };
  const hasPanTilt = velocityAttr(vel, 'PanTilt', 'x') !== undefined || velocityAttr(vel, 'PanTilt', 'y') !== undefined;
  const pan = read('PanTilt', 'x', !hasPanTilt);
  const tilt = read('PanTilt', 'y', !hasPanTilt);
  const zoom = read('Zoom', 'x', true);
  for (const v of [pan, tilt, zoom]) if (v instanceof Error) return v;
  const t = /<(?:[\w.-]+:)?Timeout>\s*PT(\d+(?:\.\d+)?)S\s*</.exec(xml)?.[1];
  return { pan: pan as number, tilt: tilt as number, zoom: zoom as number, timeoutMs: t === undefined ? null : Number(t) * 1000 };
}

export function probeMatch(opts: { urn: string; xaddr: string; scopes: string[]; relatesTo: string; messageId: string }): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ` +
    `xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">` +
    `<s:Header><a:MessageID>${esc(opts.messageId)}</a:MessageID><a:RelatesTo>${esc(opts.relatesTo)}</a:RelatesTo>` +
    `<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>` +
    `<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action></s:Header>` +
    `<s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>${esc(opts.urn)}</a:Address></a:EndpointReference>` +
    `<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>${opts.scopes.map(esc).join(' ')}</d:Scopes>` +
    `<d:XAddrs>${esc(opts.xaddr)}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>`
  );
}
