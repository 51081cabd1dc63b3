/**
 * The SQL-layer duty-log chain (server/dutylog/chain-store.ts) on the embedded SQLite: the same hash as the
 * server's DutyLog (which appends through it) and as the pre-SQL-layer server, its rows followed, the tip rule,
 * and the database-URL parsing. PostgreSQL and concurrent processes: test/integration/pg-chain.test.ts.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { GENESIS_HASH } from '../../server/dutylog/chain.ts';
import { ChainHeadError, ChainStore, tipToExtend } from '../../server/dutylog/chain-store.ts';
import { DutyLog, type AppendInput } from '../../server/dutylog/log.ts';
import { verifyDb } from '../support/legacy-verifiers.ts';
import { ManualClock } from '../../server/patrol/clock.ts';
import { openSql, sqlTarget, type SqlDb } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import { legacyDutyAppend } from '../support/legacy-chain-writers.ts';

const verifyDbEntry = async (s: SqlDb, seq: number) => s.db.selectFrom('duty_log').select('hash').where('seq', '=', seq).executeTakeFirst();

const open: SqlDb[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
async function memoryDb(): Promise<SqlDb> {
  const s = openSql({ engine: 'sqlite', file: ':memory:' });
  open.push(s);
  await migrateSql(s);
  return s;
}

const input = (text: string, more: Partial<AppendInput> = {}): AppendInput => ({
  category: 'anomaly',
  kind: 'manual',
  text,
  cameraId: 'cam-1',
  author: { id: 3, name: '值班员 \ud800' },
  data: { z: 1, a: ['中文', { y: null }] },
  ...more,
});

describe('ChainStore on SQLite', () => {
  test('hashes an entry exactly as the server’s DutyLog does (one canonical form)', async () => {
    const clock = new ManualClock(1_764_700_000_000);
    const a = await memoryDb();
    const b = await memoryDb();
    const server = new DutyLog(a, clock);
    const store = new ChainStore(b, () => clock.now());
    const c = openSql({ engine: 'sqlite', file: ':memory:' });
    open.push(c);
    for (const text of ['first 🚨', 'second e\u0301 שלום', 'third \u0007 lone \udc00']) {
      const x = await server.append(input(text));
      const y = await store.append(input(text));
      expect(y).toEqual(x);
      expect(legacyDutyAppend(c.sqlite!, input(text), clock.now())).toEqual(x); // and as the pre-SQL-layer server did
      clock.advance(1000);
    }
    expect(verifyDb(b.sqlite!)).toMatchObject({ ok: true, entries: 3, triggers: true });
  });

  test('entries an older server wrote (without moving the head) are followed: one chain', async () => {
    const s = openSql({ engine: 'sqlite', file: ':memory:' });
    open.push(s);
    const clock = new ManualClock(1_000);
    const legacy = { append: (i: AppendInput) => legacyDutyAppend(s.sqlite!, i, clock.now()), get: (seq: number) => verifyDbEntry(s, seq) };
    legacy.append(input('before the SQL layer'));
    await migrateSql(s); // the head is seeded from entry 1
    const store = new ChainStore(s, () => clock.now());
    expect((await store.append(input('via the SQL layer'))).seq).toBe(2);
    legacy.append(input('legacy again'));
    const e = await store.append(input('SQL layer again'));
    expect(e.seq).toBe(4);
    expect(e.prevHash).toBe((await legacy.get(3))!.hash);
    expect(await store.verify()).toMatchObject({ ok: true, entries: 4, headMatches: true, triggers: true });
    expect(verifyDb(s.sqlite!).ok).toBe(true);
  });

  test('a correction of a missing entry is refused and nothing is written', async () => {
    const s = await memoryDb();
    const store = new ChainStore(s);
    await store.append(input('one'));
    await expect(store.append(input('fix', { kind: 'correction', refSeq: 9 }))).rejects.toThrow('refSeq 9 does not exist');
    expect((await store.verify()).entries).toBe(1);
    expect((await store.append(input('fix', { kind: 'correction', refSeq: 1 }))).refSeq).toBe(1);
  });

  test('a second entry with the same predecessor (a fork) is refused by the database itself', async () => {
    const s = await memoryDb();
    const e = await new ChainStore(s).append(input('one'));
    await expect(
      sql`INSERT INTO duty_log (seq, ts_ms, category, kind, text, author_name, data_json, prev_hash, hash)
          VALUES (2, 1, 'other', 'manual', 'fork', 'x', '{}', ${GENESIS_HASH}, ${'a'.repeat(64)})`.execute(s.db),
    ).rejects.toThrow(/UNIQUE constraint failed: duty_log.prev_hash/);
    expect(e.seq).toBe(1);
  });
});

describe('ChainStore.verify streams', () => {
  test('page by page from the link the previous page ended on: an entry edited at a page boundary and a deleted tail are named', async () => {
    const s = await memoryDb();
    const store = new ChainStore(s, () => 1_000, 3);
    for (let i = 0; i < 10; i++) await store.append(input(`entry ${i} 🚨 \u2028`));
    expect(await store.verify()).toMatchObject({ ok: true, entries: 10, headMatches: true });
    await sql`DROP TRIGGER duty_log_no_update`.execute(s.db);
    await sql`UPDATE duty_log SET text = 'nothing happened' WHERE seq = 7`.execute(s.db); // first entry of page 3
    expect(await store.verify()).toMatchObject({ ok: false, entries: 7, broken: { seq: 7, reason: 'content does not match its hash (entry was altered)' } });
    expect(verifyDb(s.sqlite!).broken).toEqual((await store.verify(1000)).broken); // the server's verifier agrees

    const t = await memoryDb();
    const store2 = new ChainStore(t, () => 1_000, 4);
    for (let i = 0; i < 8; i++) await store2.append(input(`entry ${i}`));
    await sql`DROP TRIGGER duty_log_no_delete`.execute(t.db);
    await sql`DELETE FROM duty_log WHERE seq >= 7`.execute(t.db);
    expect(verifyDb(t.sqlite!).ok).toBe(true); // the links alone cannot see it
    const v = await store2.verify();
    expect(v).toMatchObject({ ok: false, entries: 6, headMatches: false, broken: { seq: 7 } });
    expect(v.broken?.reason).toBe('entries 7–8 are missing: the chain head names entry 8 but the table ends at entry 6 (newest entries deleted)');
  });
});

describe('tipToExtend', () => {
  const head = { seq: 5, hash: 'h5' };
  test('head and table agree: extend it', () => expect(tipToExtend(head, { seq: 5, hash: 'h5' })).toEqual(head));
  test('empty chain', () => expect(tipToExtend({ seq: 0, hash: GENESIS_HASH }, undefined)).toEqual({ seq: 0, hash: GENESIS_HASH }));
  test('table ahead (DutyLog wrote): follow the table', () => expect(tipToExtend(head, { seq: 7, hash: 'h7' })).toEqual({ seq: 7, hash: 'h7' }));
  test('newest entries removed: refused, naming both', () =>
    expect(() => tipToExtend(head, { seq: 4, hash: 'h4' })).toThrow(/head is entry 5 .*table ends at entry 4/));
  test('newest entry altered: refused', () => expect(() => tipToExtend(head, { seq: 5, hash: 'forged' })).toThrow(ChainHeadError));
  test('table emptied: refused', () => expect(() => tipToExtend(head, undefined)).toThrow(/table ends at entry 0/));
});

describe('sqlTarget (WATCHPOST_DATABASE_URL)', () => {
  test('unset or empty: the SQLite file', () => {
    expect(sqlTarget(undefined, '/d/watchpost.db')).toEqual({ engine: 'sqlite', file: '/d/watchpost.db' });
    expect(sqlTarget('', '/d/watchpost.db')).toEqual({ engine: 'sqlite', file: '/d/watchpost.db' });
  });
  test('postgres:// and postgresql://', () => {
    expect(sqlTarget('postgres://u:p@127.0.0.1:5432/wp', 'x')).toEqual({ engine: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/wp' });
    expect(sqlTarget('postgresql://u@db/wp', 'x').engine).toBe('postgres');
  });
  test('another scheme or no URL: refused, naming the scheme, never echoing a password', () => {
    expect(() => sqlTarget('mysql://u:secret@h/wp', 'x')).toThrow(/scheme "mysql:" is not supported/);
    expect(() => sqlTarget('mysql://u:secret@h/wp', 'x')).not.toThrow(/secret/);
    expect(() => sqlTarget('not a url', 'x')).toThrow(/not a URL/);
  });
});
