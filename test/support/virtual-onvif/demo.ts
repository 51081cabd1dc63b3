/**
 * ONVIF demo (root, Linux): a throw-away network namespace with the GStreamer RTSP server, two virtual ONVIF cameras
 * that answer WS-Discovery, and Watchpost — bridged to http://127.0.0.1:8090/ on this host through a Unix socket,
 * so "Discover cameras" finds them while the multicast never leaves the namespace.
 *
 *   sudo npx tsx test/support/virtual-onvif/demo.ts [--port 8090]
 *
 * Camera credentials: admin / demo-cam-pw. Ctrl-C stops everything and deletes the namespace.
 */
import { connect, createServer } from 'node:net';
import { netnsSupport } from '../netns.ts';
import { startOnvifSite } from './site.ts';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 8090;
  const support = netnsSupport();
  if (!support.ok) throw new Error(support.reason);
  const pw = 'demo-cam-pw';
  const site = await startOnvifSite({
    rtspUser: 'admin',
    rtspPassword: pw,
    cameras: [
      { name: 'Gate East 东门', main: 'main1', sub: 'sub1', password: pw, ptz: true, presets: [{ token: 'p1', name: 'Gate' }, { token: 'p2', name: 'Road' }], clockSkewMs: 12_000, discovery: true },
      { name: 'Car Park 停车场', main: 'main2', sub: 'sub2', password: pw, discovery: true },
    ],
  });
  const bridge = createServer((c) => {
    const u = connect(site.socket);
    c.pipe(u).pipe(c);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => bridge.listen(port, '127.0.0.1', () => r()));
  process.stdout.write(
    `\n  Watchpost (in namespace ${site.ns.name}): http://127.0.0.1:${port}/  admin / ${site.adminPassword}\n` +
      `  Cameras → Discover cameras; camera login admin / ${pw}. Ctrl-C to stop.\n\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    bridge.close();
    await site.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  process.stderr.write(`onvif demo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
