/**
 * Runs one or more virtual ONVIF cameras until SIGTERM/SIGINT.
 *
 *   tsx test/support/virtual-onvif/cli.ts '{"cameras":[{"name":"Gate","mainUri":"rtsp://127.0.0.1:8554/main", …}]}'
 *
 * Options per camera: see VirtualCameraOptions in camera.ts. Prints one line
 * `READY {"cameras":[{"name","urn","xaddr"}]}` once every camera listens. With "discovery": true it must run
 * inside a network namespace (ip netns exec NS …) whose 239.0.0.0/8 route goes through lo.
 */
import { VirtualOnvifCamera, type VirtualCameraOptions } from './camera.ts';

async function main(): Promise<void> {
  const arg = process.argv[2];
  if (!arg) {
    process.stderr.write('usage: cli.ts \'{"cameras":[{"name":"…","mainUri":"rtsp://…"}]}\'\n');
    process.exit(2);
  }
  const cfg = JSON.parse(arg) as { cameras: VirtualCameraOptions[] };
  const cams: VirtualOnvifCamera[] = [];
  for (const o of cfg.cameras) cams.push(await new VirtualOnvifCamera(o).start());
  const stop = async () => {
    await Promise.all(cams.map((c) => c.stop()));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdout.write(`READY ${JSON.stringify({ cameras: cams.map((c) => ({ name: c.opts.name, urn: c.urn, xaddr: c.xaddr })) })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`virtual-onvif: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
