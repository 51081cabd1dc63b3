/**
 * The SQL-layer audit chain (server/audit/chain-store.ts) on the embedded SQLite: the same rows and hashes as the
 * server's AuditLog for the same entries (one hash format), both writers on one file keep one trail, migration
 * 0016 seeds the head of an existing trail, streaming verification across page boundaries, NUL refused, an
 * edited row and a deleted tail named, a fork refused by the database. PostgreSQL and concurrent processes:
 * test/integration/pg-chains.test.ts.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { AuditChainStore } from '../../server/audit/chain-store.ts';
import { AuditLog, type AuditInput } from '../../server/audit/log.ts';
import { verifyAuditDb } from '../support/legacy-verifiers.ts';
import { ChainStore } from '../../server/dutylog/chain-store.ts';
import { ChainHeadError, ChainTextError } from '../../server/integrity/sql-chain.ts';
import { openSql, type SqlDb } from '../../server/store/sql/db.ts';
import { migrateSql } from '../../server/store/sql/migrations.ts';
import { legacyAuditRecord } from '../support/legacy-chain-writers.ts';

const open: SqlDb[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
function memory(): SqlDb {
  const s = openSql({ engine: 'sqlite', file: ':memory:' });
  open.push(s);
  return s;
}
async function migrated(): Promise<SqlDb> {
  const s = memory();
  await migrateSql(s);
  return s;
}

const T = 1_764_800_000_000;
/** hostile but storable: emoji, ZWJ, combining marks, RTL with overrides, U+2028/2029, lone surrogates, long text */
const inputs = (n: number): AuditInput[] =>
  Array.from({ length: n }, (_, i) => ({
    action: ['login', 'export.create', 'live.view.start', 'camera.update'][i % 4]!,
    actor: { id: i % 3 ? i : null, username: `操作员 ${i} 👮‍♀️ e\u0301\u0323`, role: 'supervisor', ip: i % 2 ? '127.0.0.1' : '::1' },
    cameraId: i % 2 ? `cam-🎥-${i % 3}` : null,
    // odd entries: clipped at 200 UTF-16 units, the cut falls inside a surrogate pair
    target: i % 2 ? `${'y'.repeat(199)}🚨 tail` : `שלום \u202Eevil\u202C \u2028line\u2029 lone \ud800 #${i}`,
    atMs: i % 5 ? T - i * 1000 : null,
    detail: { reason: `Z\u0335\u0337 \r\n${i}`, nested: { 'ключ 🔑': [i, null, true, 'مرحبا'], lone: '\udc00' } },
    time: T + i * 1000,
  }));

const allRows = async (s: SqlDb) => (await sql`SELECT * FROM audit_log ORDER BY id`.execute(s.db)).rows;

describe('AuditChainStore on SQLite', () => {
  test('appends the same rows, hashes included, as the server’s AuditLog (one hash format)', async () => {
    const a = await migrated();
    const b = await migrated();
    const legacy = { record: (i: AuditInput) => legacyAuditRecord(a.sqlite!, i) };
    const store = new AuditChainStore(b);
    const c = await migrated();
    const server = new AuditLog(c);
    for (const i of inputs(12)) {
      const e = await store.append(i);
      expect(e).toEqual(legacy.record(i));
      expect(await server.record(i)).toEqual(e); // the server's AuditLog appends through the store
    }
    const rows = await allRows(b);
    expect(rows).toEqual(await allRows(a));
    expect(rows.length).toBe(12);
    const targets = rows.map((r) => (r as { target: string }).target);
    expect(targets[0]).toContain('lone \ufffd #0'); // the lone surrogate, as stored and hashed
    expect(targets[1]).toBe(`${'y'.repeat(199)}\ufffd`); // clipped, then made well-formed
    expect(verifyAuditDb(b.sqlite!)).toMatchObject({ ok: true, count: 12 });
    expect(await store.verify()).toMatchObject({ ok: true, count: 12, triggers: true, headMatches: true, head: (rows[11] as { hash: string }).hash });
  });

  test('rows an older server wrote and the store on one file keep one trail; 0016 seeds the head of an existing trail', async () => {
    const s = memory();
    const legacy = {
      record: (i: AuditInput) => legacyAuditRecord(s.sqlite!, i),
      latest: () => ({ hash: (s.sqlite!.prepare('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { hash: string }).hash }),
      verify: () => verifyAuditDb(s.sqlite!),
    };
    const [x, y, z, w] = inputs(4);
    legacy.record(x!);
    legacy.record(y!);
    expect(await migrateSql(s)).toContain('0016_audit_chain');
    const head = await s.db.selectFrom('chain_heads').selectAll().where('log', '=', 'audit_log').executeTakeFirstOrThrow();
    expect(head).toEqual({ log: 'audit_log', seq: 2, hash: legacy.latest()!.hash });
    const store = new AuditChainStore(s);
    expect((await store.append(z!)).id).toBe(3);
    legacy.record(w!); // the legacy writer does not move the head: the store follows the table
    const e = await store.append(x!);
    expect(e.id).toBe(5);
    expect(await store.verify()).toMatchObject({ ok: true, count: 5, headMatches: true });
    expect(legacy.verify()).toMatchObject({ ok: true, count: 5 });
  });

  test('verification streams page by page and names a row edited at a page boundary', async () => {
    const s = await migrated();
    const store = new AuditChainStore(s);
    for (const i of inputs(10)) await store.append(i);
    let largest = 0;
    const read = store.page.bind(store);
    store.page = async (after, limit) => {
      const p = await read(after, limit);
      largest = Math.max(largest, p.length);
      return p;
    };
    expect(await store.verify(3)).toMatchObject({ ok: true, count: 10, headMatches: true });
    expect(largest).toBe(3);
    await sql`DROP TRIGGER audit_log_no_update`.execute(s.db);
    await sql`UPDATE audit_log SET target = 'nothing happened' WHERE id = 4`.execute(s.db); // first row of page 2
    expect(await store.verify(3)).toMatchObject({ ok: false, count: 3, firstBad: 4, reason: 'content does not match its hash (entry was altered)', triggers: false });
    expect(await store.verify(1000)).toMatchObject({ ok: false, count: 3, firstBad: 4 });
  });

  test('a deleted tail is named (the head says 6, the table ends at 5) and the trail is not extended', async () => {
    const s = await migrated();
    const store = new AuditChainStore(s);
    for (const i of inputs(6)) await store.append(i);
    await sql`DROP TRIGGER audit_log_no_delete`.execute(s.db);
    await sql`DELETE FROM audit_log WHERE id = 6`.execute(s.db);
    expect(verifyAuditDb(s.sqlite!).ok).toBe(true); // the links alone cannot see it
    const v = await store.verify(4);
    expect(v).toMatchObject({ ok: false, count: 5, firstBad: 6, headMatches: false });
    expect(v.reason).toMatch(/entries 6–6 are missing: the chain head names entry 6 but the table ends at entry 5/);
    await expect(store.append(inputs(1)[0]!)).rejects.toThrow(ChainHeadError);
    await expect(store.append(inputs(1)[0]!)).rejects.toThrow(/audit trail chain head is entry 6 .* table ends at entry 5/);
    expect((await allRows(s)).length).toBe(5);
    // the head row removed too: still not trusted
    await sql`DELETE FROM chain_heads WHERE log = 'audit_log'`.execute(s.db);
    expect(await store.verify()).toMatchObject({ ok: false, firstBad: 5, reason: expect.stringMatching(/chain head row is missing/) as string });
    await expect(store.append(inputs(1)[0]!)).rejects.toThrow('the audit trail has no chain head row');
  });

  test('U+0000 is refused with an error naming the field, nothing is written, the trail goes on', async () => {
    const s = await migrated();
    const store = new AuditChainStore(s);
    await store.append({ action: 'login', actor: { username: 'before' } });
    await expect(store.append({ action: 'login.failed', actor: { username: 'adm\u0000in' } })).rejects.toThrow(
      'audit entry refused: actor.username contains U+0000 (NUL), which the database cannot store; nothing was written',
    );
    await expect(store.append({ action: 'x', detail: { deep: ['ok', { ['k\u0000']: 1 }] } })).rejects.toThrow(ChainTextError);
    await expect(store.append({ action: 'x', detail: { deep: ['ok', 'n\u0000'] } })).rejects.toThrow(/detail\.deep\[1\] contains U\+0000/);
    // the duty-log chain refuses it the same way on every engine
    await expect(new ChainStore(s).append({ category: 'other', kind: 'manual', text: 'a\u0000b', author: { id: 1, name: 'x' } })).rejects.toThrow(
      /duty log entry refused: text contains U\+0000/,
    );
    expect(await store.verify()).toMatchObject({ ok: true, count: 1, headMatches: true });
    expect((await store.append({ action: 'login', actor: { username: 'after' } })).id).toBe(2);
  });

  test('a second row with the same predecessor (a fork) is refused by the database itself', async () => {
    const s = await migrated();
    const e = await new AuditChainStore(s).append({ action: 'login' });
    await expect(
      sql`INSERT INTO audit_log (id, at_ms, action, detail, prev_hash, hash) VALUES (2, 1, 'fork', '{}', ${'0'.repeat(64)}, ${'a'.repeat(64)})`.execute(s.db),
    ).rejects.toThrow(/UNIQUE constraint failed: audit_log.prev_hash/);
    expect(e.id).toBe(1);
  });
});
