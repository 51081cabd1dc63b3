/**
 * npm run verify-recordings [-- --camera ID --from T --to T] [--data-dir DIR | --config watchpost.yml | --db PATH]
 *   [--database-url postgres://…] [--recordings DIR] [--keys DIR] [--checkpoints DIR] [--json]
 * Re-hashes every sealed recording segment, walks each camera's seal chain against the signed checkpoints and
 * names every altered, missing, unindexed or unsealed file; segments removed by retention are reported as
 * "deleted by retention at T". T is an ISO time or epoch ms. Exit 0 intact, 1 problems found, 2 cannot check.
 * Opens the database read-only; never changes it.
 */
import { arg, openReadOnly, places, verifyKey } from './verify-log.ts';
import { CheckpointStore } from '../server/integrity/checkpoints.ts';
import { sealSummary } from '../server/integrity/seal-check.ts';
import { verifyRecordings } from '../server/seal/verify.ts';

function time(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) throw new Error(`${name}: not a time: "${v}" (ISO 8601 or epoch ms)`);
  return ms;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let p, key, sql, fromMs, toMs;
  try {
    p = places(argv);
    key = verifyKey(p);
    fromMs = time(arg(argv, '--from'), '--from');
    toMs = time(arg(argv, '--to'), '--to');
    sql = await openReadOnly(p);
  } catch (e) {
    process.stderr.write(`verify-recordings: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const r = await verifyRecordings({ sql, recordingsDir: p.recordingsDir, store: new CheckpointStore(sql, p.checkpointsDir), key, camera: arg(argv, '--camera'), fromMs, toMs });
    const mbps = r.seconds > 0 ? r.bytesHashed / 1e6 / r.seconds : 0;
    if (argv.includes('--json')) {
      process.stdout.write(JSON.stringify({ ...r, key: key.fingerprint, mbPerSecond: Math.round(mbps * 10) / 10 }, null, 2) + '\n');
      return r.ok ? 0 : 1;
    }
    const out = (s: string) => process.stdout.write(s + '\n');
    if (!r.cameras.length) out('no recordings found');
    for (const c of r.cameras) {
      const bad = c.issues.length > 0 || c.seal?.problem;
      out(`${bad ? 'PROBLEMS' : 'OK'}  camera ${c.camera}: ${c.segments} segments (${c.sealed} sealed)${c.seal ? `; ${sealSummary(c.seal)}` : ''}`);
      if (c.deletedByRetention.count) {
        const l = c.deletedByRetention.last!;
        out(`    ${c.deletedByRetention.count} deleted by retention, the newest at ${new Date(l.at).toISOString()} (${l.path}, ${l.reason})`);
      }
      for (const i of c.issues) out(`    ${i.kind.toUpperCase()} ${i.path}: ${i.detail}`);
    }
    out(`hashed ${(r.bytesHashed / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(2)} s (${mbps.toFixed(0)} MB/s); ${r.ok ? 'all recordings match their seals' : 'NOT all recordings match their seals'}`);
    return r.ok ? 0 : 1;
  } finally {
    await sql.close();
  }
}

void main().then((code) => (process.exitCode = code));
