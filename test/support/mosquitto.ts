/**
 * A real MQTT broker for tests: Debian's Mosquitto (/usr/sbin/mosquitto, package `mosquitto`), started with its
 * own config, persistence dir and (optionally) password file in a temp dir, listening on a free port on
 * 127.0.0.1 only; never the system service. A missing binary fails the test (capability.ts), in CI and
 * anywhere else. Also a subscriber that collects what the broker delivers.
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { needCapability } from './capability.ts';
import { freePort } from './rtsp.ts';
import type { Netns } from './netns.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';

export interface BrokerOptions {
  /** user → password: a password file is made with mosquitto_passwd -b and anonymous clients are refused */
  users?: Record<string, string>;
  /** run inside this network namespace, listening on every address of it (its veth links too), not 127.0.0.1 */
  netns?: Netns;
}

export interface Broker {
  port: number;
  /** mqtt://[user:password@]127.0.0.1:PORT */
  url(user?: string, password?: string): string;
  /** Everything the broker logged. */
  output(): string;
  stop(): Promise<void>;
  /** Start again on the same port; `wipe` deletes the persistence file first (a broker that lost its retained messages). */
  start(o?: { wipe?: boolean }): Promise<void>;
  /** Stop and delete the temp dir. */
  dispose(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = netConnect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      r(true);
    });
    s.on('error', () => r(false));
  });
}

function listensIn(ns: string, port: number): boolean {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'ss', '-Hltn', `sport = :${port}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

export async function startMosquitto(opts: BrokerOptions = {}): Promise<Broker> {
  needCapability('an MQTT broker', existsSync(MOSQUITTO), `${MOSQUITTO} is missing: apt-get install mosquitto (scripts/system-packages.txt)`);
  const dir = mkdtempSync(join(tmpdir(), 'wp-mqtt-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  const lines = [
    opts.netns ? `listener ${port}` : `listener ${port} 127.0.0.1`,
    'persistence true',
    `persistence_location ${dir}/`,
    'autosave_interval 1',
    'log_dest stdout',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
  ];
  if (process.getuid?.() === 0) lines.push('user root'); // else mosquitto drops to user "mosquitto", who cannot read the temp dir
  if (opts.users) {
    needCapability('an MQTT password file', existsSync(MOSQUITTO_PASSWD), `${MOSQUITTO_PASSWD} is missing: apt-get install mosquitto`);
    const pw = join(dir, 'passwd');
    let first = true;
    for (const [u, p] of Object.entries(opts.users)) {
      execFileSync(MOSQUITTO_PASSWD, [...(first ? ['-c'] : []), '-b', pw, u, p], { stdio: 'ignore' });
      first = false;
    }
    lines.push('allow_anonymous false', `password_file ${pw}`);
  } else {
    lines.push('allow_anonymous true');
  }
  writeFileSync(conf, lines.join('\n') + '\n');

  let log = '';
  let child: ChildProcess | undefined;
  const start = async (o: { wipe?: boolean } = {}) => {
    if (o.wipe) rmSync(join(dir, 'mosquitto.db'), { force: true });
    const p = opts.netns ? spawn('ip', ['netns', 'exec', opts.netns.name, MOSQUITTO, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = p;
    p.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const end = Date.now() + 10_000;
    for (;;) {
      if (p.exitCode !== null) throw new Error(`mosquitto exited (${p.exitCode}):\n${log.slice(-2000)}`);
      // in a namespace the port is not reachable from here: ask the namespace's socket table
      if (opts.netns ? listensIn(opts.netns.name, port) : await portOpen(port)) return;
      if (Date.now() > end) throw new Error(`mosquitto did not listen on 127.0.0.1:${port} within 10 s:\n${log.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const p = child;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  await start();
  return {
    port,
    url: (user, password) =>
      user ? `mqtt://${encodeURIComponent(user)}:${encodeURIComponent(password ?? '')}@127.0.0.1:${port}` : `mqtt://127.0.0.1:${port}`,
    output: () => log,
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
  at: number;
}

export interface Subscriber {
  client: MqttClient;
  messages: Received[];
  /** the newest message of a topic */
  last(topic: string): Received | undefined;
  /** Wait until a message matches (already received ones count). */
  waitFor(what: string, pred: (m: Received) => boolean, ms?: number): Promise<Received>;
  close(): Promise<void>;
}

/**
 * A test client subscribed to `filters` (QoS 1); it keeps every message. With a `session` name it is a persistent
 * session (clean: false): the broker keeps what is published while the client is away (also over a broker restart).
 */
export async function subscribe(url: string, filters: string[], session?: string): Promise<Subscriber> {
  const client = await mqtt.connectAsync(url, {
    reconnectPeriod: 500,
    clientId: session ?? `test-${Math.random().toString(36).slice(2)}`,
    clean: session === undefined,
  });
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload, retain: packet.retain, at: Date.now() }));
  await client.subscribeAsync(filters, { qos: 1 });
  const waitFor = async (what: string, pred: (m: Received) => boolean, ms = 20_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const m = messages.find(pred);
      if (m) return m;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; got topics: ${[...new Set(messages.map((x) => x.topic))].join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    client,
    messages,
    last: (topic) => messages.filter((m) => m.topic === topic).at(-1),
    waitFor,
    close: () => client.endAsync(true),
  };
}
