/** Starts the camera clock (clock_server.py): a live RTSP camera whose frames carry their capture time. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, SYSTEM_PYTHON } from '../../test/support/rtsp.ts';

const SCRIPT = fileURLToPath(new URL('./clock_server.py', import.meta.url));

export interface ClockSourceOptions {
  width: number;
  height: number;
  fps: number;
  /** key-frame interval, frames */
  gop: number;
  bitrateKbps: number;
}

export interface ClockSource {
  readonly process: ChildProcess;
  /** rtsp://127.0.0.1:PORT/cam */
  readonly url: string;
  alive(): boolean;
  stderr(): string;
  stop(): Promise<void>;
}

export async function startClockSource(o: ClockSourceOptions): Promise<ClockSource> {
  const port = await freePort();
  const args = [SCRIPT, '--port', String(port), '--width', String(o.width), '--height', String(o.height),
    '--fps', String(o.fps), '--gop', String(o.gop), '--bitrate', String(o.bitrateKbps)];
  const child = spawn(SYSTEM_PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`clock source did not start within 10 s: ${err}`));
    }, 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) {
        clearTimeout(timer);
        resolve();
      } else if (out.includes('ERROR')) {
        clearTimeout(timer);
        reject(new Error(`clock source: ${out.trim()}`));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`clock source exited (${child.exitCode ?? child.signalCode}): ${err.trim()}`));
    });
  });
  return {
    process: child,
    url: `rtsp://127.0.0.1:${port}/cam`,
    alive,
    stderr: () => err,
    async stop() {
      if (!alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
