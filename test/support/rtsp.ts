/**
 * Starts Debian's GStreamer RTSP server (test/support/rtsp_server.py) as a real camera for tests
 * and benchmarks: H.264 test pattern with a wall-clock overlay, 1 s GOP by default (`codec: 'h265'`:
 * H.265 instead, a camera whose live stream the server transcodes; `codec: 'mjpeg'`: Motion JPEG over RTP/JPEG).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startPrimer, type Primer } from './rtsp-primer.ts';

const SCRIPT = fileURLToPath(new URL('./rtsp_server.py', import.meta.url));
export const SYSTEM_PYTHON = '/usr/bin/python3'; // the python3 on PATH may lack gi

export interface RtspServerOptions {
  port?: number;
  width?: number;
  height?: number;
  fps?: number;
  /** key-frame interval in frames; default = fps (1 s) */
  gop?: number;
  bitrateKbps?: number;
  /** default h264 */
  codec?: 'h264' | 'h265' | 'mjpeg';
  /** require basic auth on every mount */
  user?: string;
  password?: string;
  mounts?: string[];
  /**
   * Keep one client of the test's own on every mount (rtsp-primer.ts), started and playing before this resolves
   * (and again after restart()). For tests that point many cameras at one mount: many SETUPs at once on a shared
   * media still being prepared can abort GStreamer's RTSP server, and then every camera stays dark.
   */
  primed?: boolean;
}

export interface RtspServer {
  port: number;
  /** rtsp://127.0.0.1:PORT/MOUNT (no credentials) */
  url(mount?: string): string;
  /** Kill the server (SIGKILL by default, like a camera losing power). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Start it again on the same port with the same options. */
  restart(): Promise<void>;
  readonly process: ChildProcess;
  /** "running", or how it ended (exit code / signal), and the last of its stderr: for a failing test's report */
  describe(): string;
}

/** A TCP port that is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Launched {
  child: ChildProcess;
  stderr: () => string;
}

function launch(port: number, o: RtspServerOptions): Promise<Launched> {
  const args = [
    SCRIPT,
    '--port', String(port),
    '--width', String(o.width ?? 640),
    '--height', String(o.height ?? 360),
    '--fps', String(o.fps ?? 10),
    '--gop', String(o.gop ?? o.fps ?? 10),
    '--bitrate', String(o.bitrateKbps ?? 800),
    '--mounts', (o.mounts ?? ['cam']).join(','),
    '--codec', o.codec ?? 'h264',
  ];
  if (o.user) args.push('--user', o.user, '--password', o.password ?? '');
  const child = spawn(SYSTEM_PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`RTSP test server did not start within 10 s: ${err}`));
    }, 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) {
        clearTimeout(timer);
        resolve({ child, stderr: () => err });
      } else if (out.includes('ERROR')) {
        clearTimeout(timer);
        reject(new Error(`RTSP test server: ${out.trim()}`));
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!out.includes('READY')) reject(new Error(`RTSP test server exited (${code}): ${err.trim()}`));
    });
  });
}

export async function startRtspServer(opts: RtspServerOptions = {}): Promise<RtspServer> {
  const port = opts.port ?? (await freePort());
  let run = await launch(port, opts);
  const mountNames = opts.mounts ?? ['cam'];
  let primers: Primer[] = [];
  const prime = async () => {
    if (!opts.primed) return;
    primers = mountNames.map((m) => startPrimer(`rtsp://127.0.0.1:${port}/${m}`));
    await Promise.all(primers.map((p) => p.ready(15_000)));
  };
  const unprime = async () => {
    await Promise.all(primers.map((p) => p.stop()));
    primers = [];
  };
  try {
    await prime();
  } catch (e) {
    await unprime();
    run.child.kill('SIGKILL');
    throw e;
  }
  const server: RtspServer = {
    port,
    url: (mount = mountNames[0]!) => `rtsp://127.0.0.1:${port}/${mount}`,
    get process() {
      return run.child;
    },
    describe() {
      const { child } = run;
      const state = child.exitCode !== null || child.signalCode !== null ? `ended (${child.exitCode ?? child.signalCode})` : 'running';
      return `RTSP test server ${state}; primers ${primers.map((p) => (p.alive() ? 'alive' : 'ended')).join(', ') || 'none'}; stderr: ${run.stderr().trim().slice(-2000)}`;
    },
    async stop(signal: NodeJS.Signals = 'SIGKILL') {
      await unprime();
      const { child } = run;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill(signal);
      await exited;
    },
    async restart() {
      await server.stop();
      // the port may linger briefly in the kernel; retry for a few seconds
      for (let i = 0; ; i++) {
        try {
          run = await launch(port, opts);
          break;
        } catch (e) {
          if (i >= 20) throw e;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      await prime();
    },
  };
  return server;
}
