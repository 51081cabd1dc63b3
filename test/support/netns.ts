/**
 * Throw-away network namespaces for tests that need multicast (WS-Discovery). Every process of such a test runs
 * inside the namespace (ip netns exec); the test process talks to them over Unix sockets (a forwarder inside the
 * namespace), so no packet ever touches the host's own network. Needs root; dispose() always kills what it
 * started and deletes the namespace.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const IP = 'ip';

export interface NsSupport {
  ok: boolean;
  reason: string;
}

/** Can this process create namespaces? Tries once (creates and deletes one). */
export function netnsSupport(): NsSupport {
  if (process.platform !== 'linux') return { ok: false, reason: 'network namespaces need Linux' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root (CI runs as root)' };
  const name = `wp-test-${randomBytes(4).toString('hex')}`;
  const add = spawnSync(IP, ['netns', 'add', name], { encoding: 'utf8' });
  if (add.error || add.status !== 0) return { ok: false, reason: `cannot create a network namespace: ${add.error?.message ?? add.stderr.trim()}` };
  spawnSync(IP, ['netns', 'delete', name]);
  return { ok: true, reason: '' };
}

export interface NsProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout + stderr). */
  output(): string;
  /** Resolves with the first stdout line matching `re`. */
  waitFor(re: RegExp, ms: number): Promise<string>;
  stop(): Promise<void>;
}

export interface NsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text(): string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

export class Netns {
  private readonly procs: NsProcess[] = [];
  readonly tmp = mkdtempSync(join(tmpdir(), 'wp-netns-'));

  private constructor(readonly name: string) {}

  /** ip netns add + lo up + 239.0.0.0/8 through lo (multicast stays inside). */
  static create(): Netns {
    const ns = new Netns(`wp-test-${randomBytes(4).toString('hex')}`);
    for (const args of [
      ['netns', 'add', ns.name],
      ['-n', ns.name, 'link', 'set', 'lo', 'up'],
      ['-n', ns.name, 'route', 'add', '239.0.0.0/8', 'dev', 'lo'],
    ]) {
      const r = spawnSync(IP, args, { encoding: 'utf8' });
      if (r.status !== 0) {
        spawnSync(IP, ['netns', 'delete', ns.name]);
        throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
      }
    }
    return ns;
  }

  /**
   * A veth cable between two namespaces, `10.<x>.<y>.1/30` in `a` and `.2` in `b` (addresses that exist only
   * inside these namespaces). cut() takes b's end down — packets vanish, no RST, as with a pulled cable — and
   * restore() brings it back up.
   */
  static cable(a: Netns, b: Netns): { aIp: string; bIp: string; cut(): void; restore(): void } {
    const id = randomBytes(2);
    const [ea, eb] = [`wpv${id.toString('hex')}a`, `wpv${id.toString('hex')}b`];
    const net = `10.${200 + (id[0]! % 50)}.${id[1]!}`;
    const run = (args: string[]) => {
      const r = spawnSync(IP, args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
    };
    run(['link', 'add', ea, 'netns', a.name, 'type', 'veth', 'peer', 'name', eb, 'netns', b.name]);
    run(['-n', a.name, 'addr', 'add', `${net}.1/30`, 'dev', ea]);
    run(['-n', b.name, 'addr', 'add', `${net}.2/30`, 'dev', eb]);
    run(['-n', a.name, 'link', 'set', ea, 'up']);
    run(['-n', b.name, 'link', 'set', eb, 'up']);
    return {
      aIp: `${net}.1`,
      bIp: `${net}.2`,
      cut: () => run(['-n', b.name, 'link', 'set', eb, 'down']),
      restore: () => run(['-n', b.name, 'link', 'set', eb, 'up']),
    };
  }

  /** Start a command inside the namespace. */
  spawn(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; verbose?: boolean } = {}): NsProcess {
    const child = spawn(IP, ['netns', 'exec', this.name, cmd, ...args], {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
    const onData = (d: Buffer) => {
      out += d.toString();
      if (opts.verbose) process.stderr.write(d);
      for (const w of [...waiters]) {
        const line = out.split('\n').find((l) => w.re.test(l));
        if (line !== undefined) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const p: NsProcess = {
      child,
      output: () => out,
      waitFor: (re, ms) =>
        new Promise<string>((resolve, reject) => {
          const line = out.split('\n').find((l) => re.test(l));
          if (line !== undefined) return resolve(line);
          const timer = setTimeout(() => reject(new Error(`${cmd}: no ${re} within ${ms} ms:\n${out.slice(-2000)}`)), ms);
          child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`${cmd} exited (${code}) before ${re}:\n${out.slice(-2000)}`));
          });
          waiters.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        }),
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 8000);
        await exited;
        clearTimeout(t);
      },
    };
    this.procs.push(p);
    return p;
  }

  /** A Unix socket (outside any network) forwarded to 127.0.0.1:port inside the namespace. */
  async forward(port: number): Promise<string> {
    const sock = join(this.tmp, `fwd-${port}.sock`);
    const script =
      "const net=require('net');const [,s,p]=process.argv;" +
      "net.createServer(c=>{const u=net.connect(+p,'127.0.0.1');c.pipe(u).pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy());})" +
      ".listen(s,()=>console.log('READY'));";
    await this.spawn(process.execPath, ['-e', script, sock, String(port)]).waitFor(/^READY/, 10_000);
    return sock;
  }

  /**
   * An executable that runs `cmd` inside the namespace with the caller's file descriptors (e.g. a browser that
   * playwright drives over --remote-debugging-pipe from outside).
   */
  wrapper(cmd: string): string {
    const file = join(this.tmp, `in-ns-${basename(cmd)}`);
    writeFileSync(file, `#!/bin/sh\nexec ${IP} netns exec ${this.name} ${cmd} "$@"\n`, { mode: 0o755 });
    return file;
  }

  /** Every process running in the namespace. */
  pids(): number[] {
    return spawnSync(IP, ['netns', 'pids', this.name], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number);
  }

  /** argv of every process in the namespace (tests: which stream does which ffmpeg read?). */
  commandLines(): string[][] {
    const out: string[][] = [];
    for (const pid of this.pids()) {
      try {
        out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean));
      } catch {
        /* exited */
      }
    }
    return out;
  }

  /** Stop every process, kill anything left in the namespace (children), delete it. */
  async dispose(): Promise<void> {
    await Promise.all([...this.procs].reverse().map((p) => p.stop().catch(() => undefined)));
    for (const pid of this.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    spawnSync(IP, ['netns', 'delete', this.name]);
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** HTTP over a forwarded Unix socket. */
export function nsRequest(
  socketPath: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; json?: unknown; timeoutMs?: number } = {},
): Promise<NsResponse> {
  const headers: Record<string, string> = { host: '127.0.0.1', ...opts.headers };
  let body: Buffer | undefined;
  if (opts.json !== undefined) {
    body = Buffer.from(JSON.stringify(opts.json));
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers, timeout: opts.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: buf,
          text: () => buf.toString('utf8'),
          json: () => JSON.parse(buf.toString('utf8')),
        });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}
