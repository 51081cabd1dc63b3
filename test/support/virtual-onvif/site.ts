/**
 * A whole ONVIF test site inside a throw-away network namespace: the GStreamer RTSP server, virtual ONVIF cameras
 * answering WS-Discovery, and a real Watchpost server — all on the namespace's loopback. The test talks to
 * Watchpost (and the cameras' debug endpoint) through Unix-socket forwarders.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Netns, nsRequest, type NsProcess, type NsResponse } from '../netns.ts';
import { SYSTEM_PYTHON } from '../rtsp.ts';
import { REPO_ROOT } from '../server.ts';
import type { VirtualCameraOptions, VirtualCameraState } from './camera.ts';

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
export const RTSP_PORT = 8554;
export const WP_PORT = 8080;

export type SiteCamera = Omit<VirtualCameraOptions, 'mainUri' | 'subUri'> & { main: string; sub?: string };

export interface OnvifSite {
  ns: Netns;
  /** Unix socket forwarded to Watchpost's port inside the namespace. */
  socket: string;
  baseUrl: string;
  adminPassword: string;
  cameras: { name: string; urn: string; xaddr: string }[];
  watchpost: NsProcess;
  request(method: string, path: string, opts?: { json?: unknown; cookie?: string | null }): Promise<NsResponse>;
  login(username?: string, password?: string): Promise<string>;
  cameraState(xaddr: string): Promise<VirtualCameraState>;
  dispose(): Promise<void>;
}

export async function startOnvifSite(opts: {
  cameras: SiteCamera[];
  rtspUser?: string;
  rtspPassword?: string;
  configYaml?: string;
  verbose?: boolean;
}): Promise<OnvifSite> {
  const ns = Netns.create();
  try {
    const mounts = [...new Set(opts.cameras.flatMap((c) => [c.main, c.sub].filter((m): m is string => Boolean(m))))];
    const rtspArgs = [join(REPO_ROOT, 'test/support/rtsp_server.py'), '--port', String(RTSP_PORT), '--width', '320', '--height', '240',
      '--fps', '10', '--gop', '10', '--bitrate', '300', '--mounts', mounts.join(',')];
    if (opts.rtspUser) rtspArgs.push('--user', opts.rtspUser, '--password', opts.rtspPassword ?? '');
    const rtsp = ns.spawn(SYSTEM_PYTHON, rtspArgs);

    const rtspUri = (m: string) => `rtsp://127.0.0.1:${RTSP_PORT}/${m}`;
    const cams: VirtualCameraOptions[] = opts.cameras.map(({ main, sub, ...c }) => ({
      ...c,
      mainUri: rtspUri(main),
      subUri: sub ? rtspUri(sub) : undefined,
    }));
    const vcam = ns.spawn(TSX, [join(REPO_ROOT, 'test/support/virtual-onvif/cli.ts'), JSON.stringify({ cameras: cams })], {
      verbose: opts.verbose,
    });

    const dataDir = join(ns.tmp, 'data');
    mkdirSync(dataDir, { recursive: true });
    const cfg = join(dataDir, 'watchpost.yml');
    // live HLS inside the namespace's temp dir: removed with it
    const defaults = `storage: {segmentSeconds: 4, liveDir: ${JSON.stringify(join(ns.tmp, 'live'))}}\nonvif: {discoveryWaitMs: 2000}\n`;
    writeFileSync(cfg, opts.configYaml ?? defaults);
    const adminPassword = 'site-admin-pw-1';
    const watchpost = ns.spawn(TSX, [join(REPO_ROOT, 'server/main.ts'), '--config', cfg], {
      cwd: REPO_ROOT,
      verbose: opts.verbose,
      env: {
        ...process.env,
        WATCHPOST_PORT: String(WP_PORT),
        WATCHPOST_DATA_DIR: dataDir,
        WATCHPOST_ADMIN_PASSWORD: adminPassword,
        WATCHPOST_LOG_LEVEL: 'info',
      },
    });
    const [, ready] = await Promise.all([
      rtsp.waitFor(/^READY/, 15_000),
      vcam.waitFor(/^READY /, 30_000),
      watchpost.waitFor(/is up:/, 45_000),
    ]);
    const cameras = (JSON.parse(ready.slice('READY '.length)) as { cameras: OnvifSite['cameras'] }).cameras;
    const socket = await ns.forward(WP_PORT);
    const camSockets = new Map<string, string>();

    let cookie: string | null = null;
    const site: OnvifSite = {
      ns,
      socket,
      baseUrl: `http://127.0.0.1:${WP_PORT}`,
      adminPassword,
      cameras,
      watchpost,
      request: (method, path, o = {}) => {
        const c = o.cookie === undefined ? cookie : o.cookie;
        return nsRequest(socket, method, path, { json: o.json, headers: c ? { cookie: c } : {} });
      },
      login: async (username = 'admin', password = adminPassword) => {
        const r = await nsRequest(socket, 'POST', '/api/session', { json: { username, password } });
        if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text()}`);
        cookie = String(r.headers['set-cookie'] ?? '').split(';')[0]!;
        return cookie;
      },
      cameraState: async (xaddr) => {
        const port = Number(new URL(xaddr).port);
        let s = camSockets.get(xaddr);
        if (!s) camSockets.set(xaddr, (s = await ns.forward(port)));
        return (await nsRequest(s, 'GET', '/debug/state')).json() as VirtualCameraState;
      },
      dispose: () => ns.dispose(),
    };
    return site;
  } catch (e) {
    await ns.dispose();
    throw e;
  }
}
