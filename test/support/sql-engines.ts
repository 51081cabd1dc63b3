/**
 * The engines a ported repository's tests run on (docs/cluster.md step 3): the embedded SQLite in memory and in
 * a WAL file (test/unit/sql-repos.test.ts), and a real PostgreSQL from test/support/postgres.ts
 * (test/integration/pg-repos.test.ts). Each `open()` is a fresh, migrated, empty database; `closeAll()` after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSql, type SqlDb } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import type { PgCluster } from './postgres.ts';

export interface TestEngine {
  name: string;
  open(): Promise<SqlDb>;
}

const opened: SqlDb[] = [];
const dirs: string[] = [];

async function migrated(s: SqlDb): Promise<SqlDb> {
  opened.push(s);
  await migrateSql(s);
  return s;
}

export const sqliteMemory: TestEngine = { name: 'SQLite :memory:', open: () => migrated(openSql({ engine: 'sqlite', file: ':memory:' })) };

export const sqliteFile: TestEngine = {
  name: 'SQLite file',
  open: () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-sql-'));
    dirs.push(dir);
    return migrated(openSql({ engine: 'sqlite', file: join(dir, 'watchpost.db') }));
  },
};

let pgDbs = 0;
/** A new database in the (already started) cluster per open(). */
export function postgresEngine(cluster: () => PgCluster): TestEngine {
  return {
    name: 'PostgreSQL',
    open: async () => migrated(openSql({ engine: 'postgres', url: await cluster().createDatabase(`repo_${++pgDbs}`) }, { poolSize: 2 })),
  };
}

export async function closeAll(): Promise<void> {
  for (const s of opened.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
