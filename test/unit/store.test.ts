import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDb, schemaVersion } from '../../server/store/db.ts';
import { MIGRATIONS } from '../../server/store/migrations.ts';
import { CameraRepo } from '../../server/store/cameras.ts';
import { SecretBox } from '../../server/store/secret-box.ts';
import { SessionRepo } from '../../server/store/sessions.ts';
import { UserRepo } from '../../server/store/users.ts';
import { sqlOver } from '../support/users.ts';
import { SegmentRepo } from '../../server/store/segments.ts';
import { hashPassword, verifyPassword } from '../../server/auth/password.ts';

describe('migrations', () => {
  it('bring an empty database to the latest version and are idempotent', () => {
    const db = new Database(':memory:');
    expect(schemaVersion(db)).toBe(0);
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(migrate(db)).toBe(MIGRATIONS.length);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['cameras', 'users', 'sessions', 'segments']));
  });

  it('apply only the missing steps, in order, each atomically', () => {
    const db = new Database(':memory:');
    const steps = ['CREATE TABLE a (x INTEGER);', 'INSERT INTO a VALUES (1);'];
    expect(migrate(db, steps.slice(0, 1))).toBe(1);
    expect(migrate(db, steps)).toBe(2);
    expect(db.prepare('SELECT COUNT(*) AS n FROM a').get()).toEqual({ n: 1 });
    // a failing step leaves the version where it was
    expect(() => migrate(db, [...steps, 'INSERT INTO a VALUES (2); INSERT INTO nope VALUES (1);'])).toThrow();
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT COUNT(*) AS n FROM a').get()).toEqual({ n: 1 });
  });

  it('refuse a database written by a newer version', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 99');
    expect(() => migrate(db)).toThrow(/newer than this Watchpost/);
  });

  it('open files in WAL mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wp-db-'));
    const db = openDb(`${dir}/w.db`);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});

describe('camera repo', () => {
  it('stores passwords sealed and gives them back', async () => {
    const db = openDb(':memory:');
    const repo = new CameraRepo(sqlOver(db), SecretBox.ephemeral());
    await repo.save({
      id: 'gate',
      name: 'Gate',
      enabled: true,
      origin: 'db',
      source: { url: 'rtsp://10.0.0.1/s', username: 'admin', password: 'hunter2' },
    });
    const raw = db.prepare('SELECT password_enc FROM cameras').get() as { password_enc: string };
    expect(raw.password_enc).not.toContain('hunter2');
    expect((await repo.get('gate'))?.source).toMatchObject({ username: 'admin', password: 'hunter2' });
    expect(await repo.delete('gate')).toBe(true);
    expect(await repo.list()).toEqual([]);
  });
});

describe('users and sessions', () => {
  it('hash passwords with scrypt and verify them', async () => {
    const h = await hashPassword('correct horse');
    expect(h.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('wrong', h)).toBe(false);
  });

  it('resolve, slide and expire sessions; store only a hash of the token', async () => {
    const db = openDb(':memory:');
    const users = await UserRepo.open(sqlOver(db));
    const u = await users.create('op', 'x', 'operator');
    const sessions = await SessionRepo.open(sqlOver(db), 1000 * 60 * 60, users);
    const t0 = 1_000_000;
    const token = await sessions.create(u.id, {}, t0);
    expect(JSON.stringify(db.prepare('SELECT * FROM sessions').all())).not.toContain(token);
    expect((await sessions.resolve(token, t0 + 1000))?.username).toBe('op');
    // used after 50 min: expiry slides to 50 min + 1 h
    expect(await sessions.resolve(token, t0 + 50 * 60_000)).toBeDefined();
    expect(await sessions.resolve(token, t0 + 100 * 60_000)).toBeDefined();
    expect(await sessions.resolve(token, t0 + 200 * 60_000)).toBeUndefined();
    expect(await sessions.resolve('forged', t0)).toBeUndefined();
  });
});

describe('segment index', () => {
  it('finds segments overlapping a time range, in order', async () => {
    const db = openDb(':memory:');
    const seg = new SegmentRepo(sqlOver(db));
    for (let i = 0; i < 5; i++) {
      await seg.insert({ cameraId: 'a', path: `a/${i}.mp4`, startMs: i * 10_000, endMs: (i + 1) * 10_000, bytes: 1, codec: 'h264' });
    }
    expect((await seg.range('a', 15_000, 35_000)).map((s) => s.path)).toEqual(['a/1.mp4', 'a/2.mp4', 'a/3.mp4']);
    expect((await seg.latest('a'))?.path).toBe('a/4.mp4');
    expect(await seg.count('a')).toBe(5);
    expect(await seg.range('b', 0, 1e9)).toEqual([]);
  });
});
