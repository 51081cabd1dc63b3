/**
 * Alarms for tests, written the way live analytics stores them, straight into a server's database (a running
 * server reads them from there: it keeps no alarm list in memory). Raising a real one takes a camera, a zone and
 * a person loitering for a minute (test/integration/alarms-live.test.ts does that); tests of what happens to an
 * alarm afterwards start here. The one place that knows the alarms table: when alarms move to the SQL layer
 * (issue J, docs/cluster.md) this is what changes.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface SeedAlarm {
  cameraId: string;
  zone?: string;
  kind?: 'loitering' | 'blocked_exit' | 'camera_tamper';
  status?: 'open' | 'acknowledged' | 'dispatched' | 'resolved';
  /** when the condition was confirmed (default now); the person was first seen 10 s before, recording from 15 s before */
  startMs?: number;
  sinceMs?: number;
  /** when the condition stopped holding (default: still holds) */
  endMs?: number | null;
  /** when the tracker last saw the person (default: not set) */
  lastSeenMs?: number | null;
  /** 1 = exit / urgent … 3; default 2 (as a loitering zone gives it) */
  priority?: number;
  /** a snapshot file name in the data dir; `(id) => name` to use the alarm's own id */
  snapshot?: string | ((id: number) => string);
}

type Db = InstanceType<typeof Database>;

/** Insert the alarms, in order; their ids. `target`: a server's data dir, or an open database. */
export function seedAlarms(target: string | Db, alarms: SeedAlarm[]): number[] {
  const db = typeof target === 'string' ? new Database(join(target, 'watchpost.db')) : target;
  try {
    db.pragma('busy_timeout = 5000');
    const ins = db.prepare(
      `INSERT INTO alarms (camera_id, zone, kind, status, since_ms, start_ms, end_ms, recording_ms, score, track_ids, last_seen_ms, priority, snapshot)
       VALUES (@cameraId, @zone, @kind, @status, @sinceMs, @startMs, @endMs, @recordingMs, 0.9, '[]', @lastSeenMs, @priority, NULL)`,
    );
    const setSnapshot = db.prepare('UPDATE alarms SET snapshot = ? WHERE id = ?');
    return alarms.map((a) => {
      const startMs = a.startMs ?? Date.now();
      const id = Number(
        ins.run({
          cameraId: a.cameraId,
          zone: a.zone ?? '草坪',
          kind: a.kind ?? 'loitering',
          status: a.status ?? 'open',
          sinceMs: a.sinceMs ?? startMs - 10_000,
          startMs,
          endMs: a.endMs ?? null,
          recordingMs: startMs - 15_000,
          lastSeenMs: a.lastSeenMs ?? null,
          priority: a.priority ?? 2,
        }).lastInsertRowid,
      );
      if (a.snapshot !== undefined) setSnapshot.run(typeof a.snapshot === 'function' ? a.snapshot(id) : a.snapshot, id);
      return id;
    });
  } finally {
    if (typeof target === 'string') db.close();
  }
}

/** One alarm; its id. */
export const seedAlarm = (target: string | Db, a: SeedAlarm): number => seedAlarms(target, [a])[0]!;

/**
 * The same alarms inserted into a server's PostgreSQL database (`WATCHPOST_DATABASE_URL`), as seedAlarms does for
 * SQLite; their ids.
 */
export async function seedAlarmsPg(databaseUrl: string, alarms: SeedAlarm[]): Promise<number[]> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const ids: number[] = [];
    for (const a of alarms) {
      const startMs = a.startMs ?? Date.now();
      const r = await c.query<{ id: number }>(
        `INSERT INTO alarms (camera_id, zone, kind, status, since_ms, start_ms, end_ms, recording_ms, score, track_ids, last_seen_ms, priority, snapshot)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0.9, '[]', $9, $10, NULL) RETURNING id`,
        [a.cameraId, a.zone ?? '草坪', a.kind ?? 'loitering', a.status ?? 'open', a.sinceMs ?? startMs - 10_000, startMs, a.endMs ?? null, startMs - 15_000, a.lastSeenMs ?? null, a.priority ?? 2],
      );
      const id = Number(r.rows[0]!.id);
      if (a.snapshot !== undefined) await c.query('UPDATE alarms SET snapshot = $1 WHERE id = $2', [typeof a.snapshot === 'function' ? a.snapshot(id) : a.snapshot, id]);
      ids.push(id);
    }
    return ids;
  } finally {
    await c.end();
  }
}
