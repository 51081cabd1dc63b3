import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.ts';
import { createLogger } from '../util/log.ts';

export type Db = Database.Database;
const log = createLogger('store');

/** Open (or create) the database in WAL mode and bring its schema up to date. */
export function openDb(file: string, migrations: readonly string[] = MIGRATIONS): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Apply pending migrations, each in its own transaction. Refuses a database newer than the code. */
export function migrate(db: Db, migrations: readonly string[] = MIGRATIONS): number {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(
      `database schema version ${current} is newer than this Watchpost (knows ${migrations.length}); upgrade Watchpost`,
    );
  }
  if (current === migrations.length) return current;
  // table rebuilds (SQLite cannot alter a CHECK) need foreign keys off while they run, then a check
  const fk = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  try {
    for (let v = current; v < migrations.length; v++) {
      const sql = migrations[v]!;
      db.transaction(() => {
        db.exec(sql);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length) throw new Error(`migration ${v + 1} left ${broken.length} broken foreign keys`);
        db.pragma(`user_version = ${v + 1}`);
      })();
      log.info('migrated database', { version: v + 1 });
    }
  } finally {
    if (fk) db.pragma('foreign_keys = ON');
  }
  return schemaVersion(db);
}
