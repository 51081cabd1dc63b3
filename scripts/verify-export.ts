/**
 * Verify a Watchpost evidence bundle:
 *
 *   npm run verify-export -- BUNDLE.zip [--key sha256:… | --key public-key.pem] [--json]
 *
 * Checks the archive structure, the CRC-32 and sha256 of every file, the manifest and the Ed25519 signature,
 * and prints one line per check. Exit status: 0 all checks passed against a pinned key (--key) that matches,
 * 1 a check failed, 2 usage or I/O error, 3 all checks passed but no key was pinned: the signature was only
 * checked against the key inside the bundle (anyone can re-sign a bundle with their own key). The fingerprint
 * is printed: compare it with the one the Watchpost console shows, or pin it with --key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { verifyBundle } from '../server/evidence/verify.ts';

function usage(msg?: string): never {
  if (msg) process.stderr.write(`verify-export: ${msg}\n`);
  process.stderr.write('usage: npm run verify-export -- BUNDLE.zip [--key sha256:<hex> | --key public-key.pem] [--json]\n');
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let file: string | undefined;
  let key: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--key') key = args[++i] ?? usage('--key needs a value');
    else if (a.startsWith('--key=')) key = a.slice(6);
    else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (file) usage('give one bundle');
    else file = a;
  }
  if (!file) usage('which bundle?');
  if (!existsSync(file)) usage(`no such file: ${file}`);
  if (key && !key.startsWith('sha256:')) {
    if (!existsSync(key)) usage(`--key: not a fingerprint (sha256:…) and no such file: ${key}`);
    key = readFileSync(key, 'utf8');
  }
  const r = await verifyBundle(file, { expectKey: key });
  if (json) {
    process.stdout.write(
      JSON.stringify({ ok: r.ok, keyPinned: Boolean(key), fingerprint: r.fingerprint ?? null, checks: r.checks }, null, 2) + '\n',
    );
  } else {
    for (const c of r.checks) process.stdout.write(`${c.ok ? 'OK  ' : 'FAIL'}  ${c.name}: ${c.detail}\n`);
    const m = r.manifest;
    if (m && r.ok) {
      process.stdout.write(`\nExport ${m.exportId} by ${m.exportedBy.username} (${m.exportedBy.role}) at ${m.createdAt}\n`);
      process.stdout.write(`Reason: ${m.reason}${m.case ? `  Case: ${m.case}` : ''}\n`);
      for (const i of m.items) process.stdout.write(`  ${i.file}: ${i.camera.name} (${i.camera.id}) ${i.actual.start} – ${i.actual.end}\n`);
    }
    const failed = r.checks.filter((c) => !c.ok).length;
    process.stdout.write(
      !r.ok
        ? `\nNOT VERIFIED: ${failed} of ${r.checks.length} checks failed. Do not rely on this bundle.\n`
        : key
          ? `\nVERIFIED: all ${r.checks.length} checks passed. Signed by ${r.fingerprint} (the expected key).\n`
          : `\nSIGNATURE NOT PINNED: all ${r.checks.length} checks passed, but the signature was checked against the key inside the bundle only.\n` +
            `Signed by ${r.fingerprint}\n` +
            `Compare this fingerprint with the one the Watchpost console shows (GET /api/evidence/public-key), then pin it:\n` +
            `  npm run verify-export -- ${file} --key ${r.fingerprint}\n`,
    );
  }
  process.exit(!r.ok ? 1 : key ? 0 : 3);
}

main().catch((e: unknown) => {
  process.stderr.write(`verify-export: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
