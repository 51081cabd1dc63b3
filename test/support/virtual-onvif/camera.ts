/**
 * A virtual ONVIF camera for the demo and the tests: device, media and PTZ SOAP services (the subset node-onvif
 * uses), an HTTP snapshot endpoint with digest or basic auth, and optionally a WS-Discovery responder.
 * Its streams are real RTSP URLs (the GStreamer server from test/support/rtsp.ts).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import sharp from 'sharp';
import { checkUsernameToken, envelope, fault, field, operation } from './soap.ts';
import * as R from './responses.ts';
import { startDiscoveryResponder, type DiscoveryResponder } from './discovery.ts';

export interface VirtualCameraOptions {
  name: string;
  /** Address to bind and to put in XAddrs (default 127.0.0.1). */
  host?: string;
  /** HTTP port (0 = any free port). */
  port?: number;
  username?: string;
  password?: string;
  mainUri: string;
  subUri?: string;
  /** The device clock runs this far ahead of the real clock (negative: behind). */
  clockSkewMs?: number;
  ptz?: boolean;
  presets?: R.PresetSpec[];
  /** How long a GotoPreset takes: PTZ GetStatus says MOVING for this long after it (default 0). */
  moveMs?: number;
  /** Answer PTZ GetStatus (default true); false = a camera that does not report its move status. */
  ptzStatus?: boolean;
  /** Offer GetSnapshotUri + /snapshot (default true). */
  snapshot?: boolean;
  snapshotAuth?: 'digest' | 'basic' | 'none';
  /** Image format of the snapshot (default jpeg) and the Content-Type it is sent with (default the real one). */
  snapshotFormat?: 'jpeg' | 'png';
  snapshotContentType?: string;
  /** Profiles instead of the default main (+ sub) H.264 ones. */
  profiles?: R.ProfileSpec[];
  /** Also check a UsernameToken sent with an operation that needs none (GetSystemDateAndTime…), as many real devices do. */
  strictTokens?: boolean;
  /** Require a valid UsernameToken on every operation, even GetSystemDateAndTime (non-conformant devices do). */
  authEverything?: boolean;
  /** Answer these operations with a SOAP fault (HTTP 400, Receiver) carrying this reason text. */
  faults?: Record<string, string>;
  /** Answer WS-Discovery probes (UDP 3702, 239.255.255.250). Only inside a network namespace. */
  discovery?: boolean;
  urn?: string;
  device?: Partial<R.DeviceSpec>;
  /** Misbehave on every SOAP request: garbage XML, a DTD with entity expansion, or no answer at all. */
  misbehave?: 'malformed' | 'entities' | 'hang';
}

export interface VirtualCameraState {
  lastPreset: string | null;
  /** every GotoPreset received: the preset and when (ms since epoch, real clock) */
  gotos: { preset: string; at: number }[];
  /** every ContinuousMove received: velocities as sent (zoom 0 when the request had no Zoom) and when */
  moves: R.ContinuousMoveRecord[];
  /** every Stop received: which axes it stopped and when */
  stops: { panTilt: boolean; zoom: boolean; at: number }[];
  /** PTZ GetStatus requests answered, and how many of them said MOVING */
  statusRequests: number;
  movingAnswers: number;
  /** WS-Discovery probes received (node-onvif sends each probe 3 times per type). */
  probes: number;
  requests: number;
  authFailures: number;
  /** operations that came with a WS-Security UsernameToken, by name */
  withToken: Record<string, number>;
}

const PRE_AUTH = new Set(['GetSystemDateAndTime', 'GetCapabilities', 'GetServices', 'GetServiceCapabilities', 'GetWsdlUrl']);
const BILLION_LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetDeviceInformationResponse>' +
  '<Manufacturer>&lol3;</Manufacturer></GetDeviceInformationResponse></s:Body></s:Envelope>';

export class VirtualOnvifCamera {
  readonly urn: string;
  readonly state: VirtualCameraState = { lastPreset: null, gotos: [], moves: [], stops: [], statusRequests: 0, movingAnswers: 0, probes: 0, requests: 0, authFailures: 0, withToken: {} };
  private server?: Server;
  private responder?: DiscoveryResponder;
  private readonly sockets = new Set<Socket>();
  private jpeg?: Buffer;
  private port = 0;
  private movingUntil = 0;
  /** a ContinuousMove is running (until Stop, a GotoPreset or its Timeout) */
  private continuous = false;
  private continuousUntil = Infinity;
  private readonly digestNonce = randomBytes(12).toString('hex');

  constructor(readonly opts: VirtualCameraOptions) {
    this.urn = opts.urn ?? `urn:uuid:${randomUUID()}`;
  }

  get host(): string {
    return this.opts.host ?? '127.0.0.1';
  }
  get base(): string {
    return `http://${this.host}:${this.port}`;
  }
  get xaddr(): string {
    return `${this.base}/onvif/device_service`;
  }
  private get user(): string {
    return this.opts.username ?? 'admin';
  }
  private get pass(): string {
    return this.opts.password ?? 'admin';
  }
  private deviceNow(): number {
    return Date.now() + (this.opts.clockSkewMs ?? 0);
  }

  private profiles(): R.ProfileSpec[] {
    if (this.opts.profiles) return this.opts.profiles;
    const main = { token: 'main', name: 'MainStream', width: 1920, height: 1080, fps: 25, bitrateKbps: 4096, rtspUri: this.opts.mainUri };
    const sub = { token: 'sub', name: 'SubStream', width: 640, height: 360, fps: 15, bitrateKbps: 512, rtspUri: this.opts.subUri ?? this.opts.mainUri };
    // listed sub-first on purpose: the client must pick the main stream by resolution, not by order
    return this.opts.subUri ? [sub, main] : [main];
  }

  async start(): Promise<this> {
    const still = sharp({ create: { width: 640, height: 360, channels: 3, background: { r: 40, g: 90, b: 140 } } }).composite([
      { input: Buffer.from(this.label()), top: 0, left: 0 },
    ]);
    this.jpeg = await (this.opts.snapshotFormat === 'png' ? still.png() : still.jpeg({ quality: 70 })).toBuffer();
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.host, () => resolve());
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    this.server = server;
    if (this.opts.discovery) {
      this.responder = await startDiscoveryResponder({
        urn: this.urn,
        xaddr: () => this.xaddr,
        scopes: this.scopes(),
        host: this.host,
        onProbe: () => this.state.probes++,
      });
    }
    return this;
  }

  async stop(): Promise<void> {
    this.responder?.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private scopes(): string[] {
    const enc = (s: string) => encodeURIComponent(s.replace(/ /g, '_'));
    const d = this.device();
    return [
      'onvif://www.onvif.org/type/video_encoder',
      'onvif://www.onvif.org/Profile/Streaming',
      `onvif://www.onvif.org/name/${enc(this.opts.name)}`,
      `onvif://www.onvif.org/hardware/${enc(d.model)}`,
      `onvif://www.onvif.org/manufacturer/${enc(d.manufacturer)}`,
      'onvif://www.onvif.org/location/test',
    ];
  }

  private device(): R.DeviceSpec {
    return {
      manufacturer: 'Watchpost',
      model: 'VCAM-1',
      firmware: '1.0.0',
      serial: this.urn.slice(-12),
      hardwareId: 'vcam',
      ...this.opts.device,
    };
  }

  private label(): string {
    const name = this.opts.name.replace(/[<>&]/g, '');
    return `<svg width="640" height="360" xmlns="http://www.w3.org/2000/svg"><text x="24" y="190" font-size="40" fill="#fff" font-family="sans-serif">${name}</text></svg>`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.state.requests++;
    const url = new URL(req.url ?? '/', this.base);
    if (req.method === 'GET' && url.pathname.startsWith('/snapshot/')) return this.snapshot(req, res);
    if (req.method === 'GET' && url.pathname === '/debug/state') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.state));
      return;
    }
    if (req.method !== 'POST' || !url.pathname.startsWith('/onvif/')) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const xml = Buffer.concat(chunks).toString('utf8');
    const mis = this.opts.misbehave;
    if (mis === 'hang') return; // keep the socket open, never answer
    if (mis === 'malformed') return void this.send(res, 200, '<s:Envelope><s:Body><Broken></s:Envelope');
    if (mis === 'entities') return void this.send(res, 200, BILLION_LAUGHS);

    const op = operation(xml) ?? '';
    const token = /<(?:[\w.-]+:)?UsernameToken[\s>]/.test(xml);
    if (token) this.state.withToken[op] = (this.state.withToken[op] ?? 0) + 1;
    if (!PRE_AUTH.has(op) || (token && this.opts.strictTokens) || this.opts.authEverything) {
      const auth = checkUsernameToken(xml, this.user, this.pass, this.deviceNow());
      if (auth !== 'ok') {
        this.state.authFailures++;
        return void this.send(res, 401, fault('Sender', 'ter:NotAuthorized', 'Sender not Authorized'));
      }
    }
    const faultText = this.opts.faults?.[op];
    if (faultText !== undefined) return void this.send(res, 400, fault('Receiver', 'ter:Action', faultText));
    const body = this.answer(url.pathname, op, xml);
    if (body === undefined) return void this.send(res, 400, fault('Sender', 'ter:ActionNotSupported', `${op} is not supported`));
    if (body instanceof Error) return void this.send(res, 400, fault('Sender', 'ter:InvalidArgVal', body.message));
    this.send(res, 200, envelope(body));
  }

  private answer(path: string, op: string, xml: string): string | Error | undefined {
    const ptz = Boolean(this.opts.ptz);
    const profiles = this.profiles();
    const byToken = (t: string | undefined) => profiles.find((p) => p.token === t);
    if (path === '/onvif/device_service') {
      if (op === 'GetSystemDateAndTime') return R.systemDateAndTime(new Date(this.deviceNow()));
      if (op === 'GetCapabilities') return R.capabilities(this.base, ptz);
      if (op === 'GetServices') return R.services(this.base, ptz);
      if (op === 'GetDeviceInformation') return R.deviceInformation(this.device());
      return undefined;
    }
    if (path === '/onvif/media_service') {
      if (op === 'GetProfiles') return R.profiles(profiles, ptz);
      const p = byToken(field(xml, 'ProfileToken'));
      if (op === 'GetStreamUri') return p ? R.streamUri(p.rtspUri) : new Error('no such profile');
      if (op === 'GetSnapshotUri') {
        if (this.opts.snapshot === false) return undefined;
        return p ? R.snapshotUri(`${this.base}/snapshot/${p.token}.jpg`) : new Error('no such profile');
      }
      return undefined;
    }
    if (path === '/onvif/ptz_service' && ptz) {
      const presets = this.opts.presets ?? [];
      if (op === 'GetPresets') return R.presets(presets);
      if (op === 'GotoPreset') {
        const token = field(xml, 'PresetToken');
        if (!presets.some((p) => p.token === token)) return new Error('no such preset');
        this.state.lastPreset = token ?? null;
        this.state.gotos.push({ preset: token!, at: Date.now() });
        this.movingUntil = Date.now() + (this.opts.moveMs ?? 0);
        this.continuous = false;
        return '<tptz:GotoPresetResponse/>';
      }
      if (op === 'ContinuousMove') {
        const m = R.readContinuousMove(xml);
        if (m instanceof Error) return m;
        this.state.moves.push({ ...m, at: Date.now() });
        this.continuous = true;
        this.continuousUntil = m.timeoutMs === null ? Infinity : Date.now() + m.timeoutMs;
        return '<tptz:ContinuousMoveResponse/>';
      }
      if (op === 'Stop') {
        const flag = (name: string) => field(xml, name) !== 'false'; // absent = stop that axis too
        this.state.stops.push({ panTilt: flag('PanTilt'), zoom: flag('Zoom'), at: Date.now() });
        this.continuous = false;
        this.movingUntil = 0;
        return '<tptz:StopResponse/>';
      }
      if (op === 'GetStatus' && this.opts.ptzStatus !== false) {
        const moving = Date.now() < this.movingUntil || this.isTurning();
        this.state.statusRequests++;
        if (moving) this.state.movingAnswers++;
        const i = Math.max(0, presets.findIndex((p) => p.token === this.state.lastPreset));
        return R.ptzStatus(moving, i / 10, new Date(this.deviceNow()));
      }
    }
    return undefined;
  }

  /** Is a ContinuousMove still turning the camera (no Stop, its Timeout not over)? What a test asserts at the end. */
  isTurning(): boolean {
    return this.continuous && Date.now() < this.continuousUntil;
  }

  private send(res: ServerResponse, status: number, xml: string): void {
    res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(xml);
  }

  private snapshot(req: IncomingMessage, res: ServerResponse): void {
    if (this.opts.snapshot === false) return void res.writeHead(404).end();
    const mode = this.opts.snapshotAuth ?? 'digest';
    const h = req.headers.authorization ?? '';
    let ok = mode === 'none';
    if (mode === 'basic') ok = h === `Basic ${Buffer.from(`${this.user}:${this.pass}`).toString('base64')}`;
    if (mode === 'digest') ok = this.checkDigest(req.method ?? 'GET', h);
    if (!ok) {
      const challenge = mode === 'basic' ? 'Basic realm="vcam"' : `Digest realm="vcam", qop="auth", nonce="${this.digestNonce}", algorithm=MD5`;
      res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    const type = this.opts.snapshotContentType ?? (this.opts.snapshotFormat === 'png' ? 'image/png' : 'image/jpeg');
    res.writeHead(200, { 'content-type': type, 'content-length': this.jpeg!.length }).end(this.jpeg);
  }

  private checkDigest(method: string, header: string): boolean {
    if (!header.startsWith('Digest ')) return false;
    const p: Record<string, string> = {};
    for (const m of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)) p[m[1]!] = m[2] ?? m[3] ?? '';
    if (p.username !== this.user || p.nonce !== this.digestNonce || !p.uri) return false;
    const md5 = (s: string) => createHash('md5').update(s).digest('hex');
    const ha1 = md5(`${this.user}:vcam:${this.pass}`);
    const ha2 = md5(`${method}:${p.uri}`);
    const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
    return expected === p.response;
  }
}
