/**
 * npm run verify-log [-- --db PATH | --data-dir DIR | --config watchpost.yml] [--database-url postgres://…] [--keys DIR]
 *   [--checkpoints DIR] [--json]
 * Walks the duty log's and the audit trail's hash chains and checks them against the signed checkpoints
 * (the database's table and the JSON-lines files outside it): rows deleted at the end, a row rewritten and
 * re-hashed, the database rolled back to an older copy. Entries after the newest checkpoint are "not yet sealed".
 * The links are checked streaming, page by page, by the SQL layer's chain stores (one page in memory, never the
 * chain), with the chain heads: newest entries deleted are found without a checkpoint too.
 * The database is the SQLite file, or a PostgreSQL database (--database-url, or WATCHPOST_DATABASE_URL without
 * --db): one code path, the SQL layer. Exit 0 intact, 1 broken, 2 cannot check. Opens the database read-only (the
 * file read-only; PostgreSQL sessions with default_transaction_read_only); never changes it.
 */
import Database from 'better-sqlite3';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../server/config/load.ts';
import { fingerprint, KEY_FILE } from '../server/evidence/keys.ts';
import { verifyAudit, verifyDutyLog } from '../server/integrity/chains.ts';
import { CheckpointStore } from '../server/integrity/checkpoints.ts';
import { sealSummary, type VerifyKey } from '../server/integrity/seal-check.ts';
import { hasTable } from '../server/store/sql/catalog.ts';
import { openSql, sqlTarget, type SqlDb } from '../server/store/sql/db.ts';

export interface Places {
  db: string;
  /** a PostgreSQL database (--database-url, else WATCHPOST_DATABASE_URL unless --db is given) instead of the file */
  url?: string;
  recordingsDir: string;
  keysDir: string;
  checkpointsDir: string;
  /** a public key PEM given with --key (else the site key in keysDir) */
  keyFile?: string;
}

export function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** Where the database, keys and checkpoints are: flags first, then the config (like the server). */
export function places(argv: string[]): Places {
  const db = arg(argv, '--db');
  let dataDir: string;
  let keysDir: string | undefined;
  let cpDir: string | undefined;
  let recDir: string | undefined;
  if (db) dataDir = dirname(resolve(db));
  else {
    const dir = arg(argv, '--data-dir') ?? process.env.WATCHPOST_DATA_DIR;
    const cfgFile = arg(argv, '--config') ?? (existsSync('watchpost.yml') ? 'watchpost.yml' : undefined);
    const cfg = cfgFile ? loadConfig(cfgFile).config : undefined;
    dataDir = resolve(dir ?? cfg?.storage.dataDir ?? './recordings');
    keysDir = cfg?.storage.keysDir;
    cpDir = cfg?.storage.checkpointsDir;
    recDir = cfg?.storage.recordingsDir;
  }
  const url = arg(argv, '--database-url') ?? (db ? undefined : process.env.WATCHPOST_DATABASE_URL || undefined);
  return {
    db: db ? resolve(db) : join(dataDir, 'watchpost.db'),
    ...(url ? { url } : {}),
    recordingsDir: resolve(arg(argv, '--recordings') ?? recDir ?? dataDir),
    keysDir: resolve(arg(argv, '--keys') ?? process.env.WATCHPOST_KEYS_DIR ?? keysDir ?? dataDir),
    checkpointsDir: resolve(arg(argv, '--checkpoints') ?? cpDir ?? join(dataDir, 'checkpoints')),
    keyFile: arg(argv, '--key'),
  };
}

/** The site's public key: from --key PUBLIC.pem, or derived from the private key in the keys dir. */
export function verifyKey(p: Places): VerifyKey {
  const file = p.keyFile ? resolve(p.keyFile) : join(p.keysDir, KEY_FILE);
  if (!existsSync(file)) throw new Error(`no key at ${file}: give the site's public key with --key PUBLIC.pem, or --keys DIR`);
  const pem = readFileSync(file);
  const publicKey = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file} is not an Ed25519 key`);
  return { publicKey, fingerprint: fingerprint(publicKey) };
}

/** The database the places name, read-only, through the SQL layer: the PostgreSQL URL, else the SQLite file. */
export async function openReadOnly(p: Pick<Places, 'db' | 'url'>): Promise<SqlDb> {
  let s: SqlDb;
  let name: string;
  if (p.url) {
    const target = sqlTarget(p.url, p.db);
    s = openSql(target, { poolSize: 1, readOnly: true }); // every session read-only: the check never writes
    name = 'the PostgreSQL database';
  } else {
    if (!existsSync(p.db)) throw new Error(`no database at ${p.db} (use --db PATH, --data-dir DIR or --database-url postgres://…)`);
    s = openSql({ engine: 'sqlite', file: p.db }, { sqlite: new Database(p.db, { readonly: true, fileMustExist: true }) });
    name = p.db;
  }
  try {
    if (!(await hasTable(s, 'duty_log')) || !(await hasTable(s, 'checkpoints'))) {
      throw new Error(`${name} is not a Watchpost database of this version (no duty log or checkpoints table)`);
    }
    if (!(await hasTable(s, 'chain_heads'))) {
      throw new Error(`${name} has no chain heads (chain_heads): start this version of the server once to migrate it, then check again`);
    }
  } catch (e) {
    await s.close();
    throw e;
  }
  return s;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let sql: SqlDb;
  let key: VerifyKey;
  let p: Places;
  try {
    p = places(argv);
    key = verifyKey(p);
    sql = await openReadOnly(p);
  } catch (e) {
    process.stderr.write(`verify-log: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const store = new CheckpointStore(sql, p.checkpointsDir);
    const duty = await verifyDutyLog(sql, store, key);
    const audit = await verifyAudit(sql, store, key);
    const ok = duty.ok && duty.triggers && audit.ok;
    if (argv.includes('--json')) {
      process.stdout.write(JSON.stringify({ ok, key: key.fingerprint, checkpointsDir: p.checkpointsDir, dutyLog: duty, audit }, null, 2) + '\n');
      return ok ? 0 : 1;
    }
    const out = (s: string) => process.stdout.write(s + '\n');
    out(`key ${key.fingerprint}; checkpoints in ${p.checkpointsDir}`);
    if (!duty.triggers) out('WARNING: the append-only triggers of duty_log are missing (someone removed them)');
    if (duty.ok) out(`duty log OK: ${duty.entries} entries, chain intact, head ${duty.lastHash}; ${sealSummary(duty.seal)}`);
    else out(`duty log BROKEN at entry ${duty.broken!.seq}: ${duty.broken!.reason}`);
    if (audit.ok) out(`audit trail OK: ${audit.count} entries, chain intact, head ${audit.head}; ${sealSummary(audit.seal)}`);
    else out(`audit trail BROKEN at entry ${audit.firstBad}: ${audit.reason ?? 'hash or link does not match (entry altered or removed)'}`);
    return ok ? 0 : 1;
  } finally {
    await sql.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]).endsWith('verify-log.ts')) {
  void main().then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`verify-log: ${(e as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
