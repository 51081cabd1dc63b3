/**
 * The append-only guard of the SQL layer's migrations (migrations.ts, migrations-chains.ts): UPDATE and DELETE
 * raise (and TRUNCATE on PostgreSQL). On SQLite the trigger names are the legacy migrations' (`<table>_no_update`,
 * `<table>_no_delete`), created IF NOT EXISTS, so for a table the legacy steps guard already this is a no-op there.
 */
import { sql, type Kysely } from 'kysely';
import type { Engine } from './db.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the schema as it was then, not SqlSchema
export type AnyDb = Kysely<any>;

/**
 * Append-only guard: UPDATE and DELETE raise (and TRUNCATE on PostgreSQL). On SQLite the names are legacy
 * migration 2's, so for duty_log this is a no-op there.
 */
export async function appendOnly(db: AnyDb, engine: Engine, table: string, what: string): Promise<void> {
  if (engine === 'sqlite') {
    await sql
      .raw(
        `CREATE TRIGGER IF NOT EXISTS ${table}_no_update BEFORE UPDATE ON ${table}
           BEGIN SELECT RAISE(ABORT, '${what} is append-only: entries cannot be changed'); END`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER IF NOT EXISTS ${table}_no_delete BEFORE DELETE ON ${table}
           BEGIN SELECT RAISE(ABORT, '${what} is append-only: entries cannot be deleted'); END`,
      )
      .execute(db);
    return;
  }
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '${what} is append-only: entries cannot be changed or deleted' USING ERRCODE = 'restrict_violation'; END $$`,
    )
    .execute(db);
  await sql.raw(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_append_only()`).execute(db);
  await sql.raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${table}_append_only()`).execute(db);
}

