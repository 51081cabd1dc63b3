/**
 * npm run verify-log [-- --db PATH | --data-dir DIR | --config watchpost.yml]
 * Walks the duty log's hash chain and reports the first broken link. Exit 0 intact, 1 broken, 2 cannot check.
 * Opens the database read-only; never changes it.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyDb } from '../server/dutylog/log.ts';
import { loadConfig } from '../server/config/load.ts';

function dbPath(argv: string[]): string {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  };
  const db = arg('--db');
  if (db) return resolve(db);
  const dir = arg('--data-dir') ?? process.env.WATCHPOST_DATA_DIR;
  if (dir) return join(resolve(dir), 'watchpost.db');
  const cfg = arg('--config') ?? (existsSync('watchpost.yml') ? 'watchpost.yml' : undefined);
  return join(resolve(cfg ? loadConfig(cfg).config.storage.dataDir : './recordings'), 'watchpost.db');
}

function main(): number {
  let file: string;
  try {
    file = dbPath(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`verify-log: ${(e as Error).message}\n`);
    return 2;
  }
  if (!existsSync(file)) {
    process.stderr.write(`verify-log: no database at ${file} (use --db PATH or --data-dir DIR)\n`);
    return 2;
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'duty_log'`).get();
    if (!hasTable) {
      process.stderr.write(`verify-log: ${file} has no duty log yet\n`);
      return 2;
    }
    const r = verifyDb(db);
    if (!r.triggers) process.stdout.write('WARNING: the append-only triggers of duty_log are missing (someone removed them)\n');
    if (r.ok) {
      process.stdout.write(`duty log OK: ${r.entries} entries, chain intact, head ${r.lastHash}\n`);
      return r.triggers ? 0 : 1;
    }
    process.stdout.write(`duty log BROKEN at entry ${r.broken!.seq}: ${r.broken!.reason}\n`);
    return 1;
  } finally {
    db.close();
  }
}

process.exitCode = main();
