/**
 * WS-Discovery responder: answers Probe messages sent to 239.255.255.250:3702 with a unicast ProbeMatch.
 * It refuses to start outside a network namespace whose multicast route goes through lo (the network rule:
 * discovery traffic never touches the host's real network).
 */
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { probeMatch } from './responses.ts';
import { field } from './soap.ts';

export const WSD_ADDRESS = '239.255.255.250';
export const WSD_PORT = 3702;

export interface DiscoveryResponder {
  close(): void;
}

/** Throws unless this process runs in a named network namespace that routes 239.0.0.0/8 through lo. */
export function assertIsolatedMulticast(): void {
  const ns = spawnSync('ip', ['netns', 'identify', String(process.pid)], { encoding: 'utf8' });
  if (ns.status !== 0 || !ns.stdout.trim()) {
    throw new Error('WS-Discovery responder: refusing to run outside a network namespace (ip netns exec NS …)');
  }
  const route = spawnSync('ip', ['route', 'get', WSD_ADDRESS], { encoding: 'utf8' });
  if (!/\bdev lo\b/.test(route.stdout)) {
    throw new Error(`WS-Discovery responder: ${WSD_ADDRESS} is not routed through lo in namespace ${ns.stdout.trim()}`);
  }
}

export async function startDiscoveryResponder(opts: {
  urn: string;
  xaddr: () => string;
  scopes: string[];
  host: string;
  onProbe?: () => void;
}): Promise<DiscoveryResponder> {
  assertIsolatedMulticast();
  const sock: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  sock.on('error', () => undefined);
  sock.on('message', (msg, rinfo) => {
    const xml = msg.toString('utf8');
    if (!/Probe\b/.test(xml) || /ProbeMatches/.test(xml)) return;
    const types = field(xml, 'Types') ?? '';
    if (types && !/NetworkVideoTransmitter|:Device\b|^Device$/.test(types)) return;
    opts.onProbe?.();
    const reply = Buffer.from(
      probeMatch({
        urn: opts.urn,
        xaddr: opts.xaddr(),
        scopes: opts.scopes,
        relatesTo: field(xml, 'MessageID') ?? '',
        messageId: `urn:uuid:${randomUUID()}`,
      }),
    );
    // a real device waits a random 0–500 ms (APP_MAX_DELAY); keep it short here
    const to = rinfo.address === '0.0.0.0' ? '127.0.0.1' : rinfo.address;
    setTimeout(() => sock.send(reply, rinfo.port, to, () => undefined), Math.floor(Math.random() * 50));
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(WSD_PORT, () => {
      sock.removeListener('error', reject);
      resolve();
    });
  });
  sock.addMembership(WSD_ADDRESS, opts.host);
  return { close: () => sock.close() };
}
