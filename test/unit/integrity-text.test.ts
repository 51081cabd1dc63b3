import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../server/store/db.ts';
import { AuditLog } from '../../server/audit/log.ts';
import { migratedSqlOver } from '../support/sql-over.ts';
import { DutyLog } from '../../server/dutylog/log.ts';
import { ManualClock } from '../../server/patrol/clock.ts';
import { findLoneSurrogate, wellFormed } from '../../server/integrity/text.ts';

const dir = mkdtempSync(join(tmpdir(), 'wp-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lone surrogates in hash-chained records (issue F point 1)', () => {
  it('replaces only unpaired surrogates; pairs and CJK stay', () => {
    expect(wellFormed('a\udc00b\ud800')).toBe('a\ufffdb\ufffd');
    expect(wellFormed('东门 😀 ok')).toBe('东门 😀 ok');
    expect(findLoneSurrogate({ a: ['x', { b: 'y\ud800' }] })).toBe('a.1.b');
    expect(findLoneSurrogate({ a: '监控 😀' })).toBeUndefined();
  });

  it('a failed-login name with a lone surrogate or a NUL is stored (U+FFFD) and the audit chain still verifies after reopening', async () => {
    const file = join(dir, 'audit.db');
    const db = openDb(file);
    const audit = new AuditLog(await migratedSqlOver(db));
    await audit.record({ action: 'login.failed', actor: { username: '\udc00evil', ip: '127.0.0.1' }, detail: { note: 'x\ud800' } });
    await audit.record({ action: 'login.failed', actor: { username: 'ad\u0000min', ip: '127.0.0.1' }, detail: { 'k\u0000': 'v\u0000' } });
    await audit.record({ action: 'login', actor: { username: 'admin' } });
    db.close();
    const again = new AuditLog(await migratedSqlOver(openDb(file)));
    expect(await again.verify()).toMatchObject({ ok: true, count: 3, headMatches: true });
    const { entries } = await again.query({});
    expect(entries[2]!.actor).toBe('\ufffdevil');
    expect(entries[1]).toMatchObject({ actor: 'ad\ufffdmin', detail: { 'k\ufffd': 'v\ufffd' } });
  });

  it('a duty-log entry with a lone surrogate is hashed as stored: the chain verifies after reopening', async () => {
    const file = join(dir, 'duty.db');
    const db = openDb(file);
    const log = new DutyLog(await migratedSqlOver(db), new ManualClock(Date.UTC(2026, 11, 2, 8)));
    await log.append({ category: 'other', kind: 'manual', text: 'lone \ud800 surrogate', author: { id: null, name: 'op\udc00' }, data: { k: '\udc01' } });
    await log.append({ category: 'other', kind: 'manual', text: '正常记录', author: { id: null, name: 'op' } });
    db.close();
    const reopened = new DutyLog(await migratedSqlOver(openDb(file)), new ManualClock(0));
    expect(await reopened.verify()).toMatchObject({ ok: true, entries: 2 });
    expect((await reopened.get(1))!.text).toBe('lone \ufffd surrogate');
  });
});
