/**
 * Export jobs (server/evidence/jobs.ts, server/evidence/exporter.ts) and the equipment check's camera events
 * (server/equipment/report.ts recordRestart) on one engine: the same assertions on SQLite and PostgreSQL. Hostile
 * cases: odd Unicode in a reason, a case reference and a camera id; two exports of one range at once; one id twice.
 * The equipment report itself and the camera guard's look-ups: equipment.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import type { AuditInput, AuditLog } from '../../../server/audit/log.ts';
import { recordRestart } from '../../../server/equipment/report.ts';
import { Exporter } from '../../../server/evidence/exporter.ts';
import { ExportRepo } from '../../../server/evidence/jobs.ts';
import { SigningKey } from '../../../server/evidence/keys.ts';
import { LockRepo } from '../../../server/retention/locks.ts';
import { SegmentRepo } from '../../../server/store/segments.ts';
import { isUniqueViolation } from '../../../server/store/sql/errors.ts';
import type { SqlDb } from '../../../server/store/sql/db.ts';
import type { TestEngine } from '../sql-engines.ts';
import { ODD } from './patrol.ts';

const T = Date.UTC(2026, 11, 4, 8);
const ODD_CAM = 'cam-🎥‍🔥-מצלמה\u202E-e\u0301 "東門"';
const ODD_CASE = `案件 #2026-12 \u202E${ODD}\u202C 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u{1F1E8}\u{1F1F3}`;
const job = (id: string, over: Partial<Parameters<ExportRepo['insert']>[0]> = {}) => ({
  id, cameraIds: ['gate'], fromMs: T, toMs: T + 60_000, caseRef: null, reason: 'theft at the gate', userId: 1, username: 'inv', role: 'investigator', ...over,
});

const roots: string[] = [];
afterAll(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** The audit trail is another port's table (absent on PostgreSQL so far): its entries are collected here. */
function auditSink() {
  const entries: AuditInput[] = [];
  return { entries, audit: { record: (e: AuditInput) => void entries.push(e) } as unknown as AuditLog };
}

/** An exporter over real files and the real repositories; ffprobe is absent, so a bundle fails at its first probe. */
async function exporterRig(s: SqlDb) {
  const root = mkdtempSync(join(tmpdir(), 'wp-exp-suite-'));
  roots.push(root);
  const rec = join(root, 'rec');
  const segments = new SegmentRepo(s);
  for (let i = 0; i < 6; i++) {
    const path = `${ODD_CAM}/2026-12-04/${i}.mp4`;
    mkdirSync(dirname(join(rec, path)), { recursive: true });
    writeFileSync(join(rec, path), Buffer.alloc(64));
    await segments.insert({ cameraId: ODD_CAM, path, startMs: T + i * 10_000, endMs: T + (i + 1) * 10_000, bytes: 64, codec: 'h264' });
  }
  const { entries, audit } = auditSink();
  const locks = new LockRepo(s);
  const exporter = new Exporter({
    sql: s,
    segments,
    locks,
    audit,
    bundle: { ffmpegPath: join(root, 'no-ffmpeg'), ffprobePath: join(root, 'no-ffprobe'), recordingsDir: rec, outDir: join(root, 'out'), key: SigningKey.generate(), version: 'test' },
    camera: async (id) => (id === ODD_CAM ? { id, name: ODD, source: 'rtsp://127.0.0.1/x', clockOffset: { ms: 0, known: false, source: null } } : undefined),
    now: () => T + 3600_000,
  });
  return { exporter, locks, entries };
}

async function settled(exporter: Exporter, ids: string[]) {
  for (let i = 0; i < 200; i++) {
    const jobs = await Promise.all(ids.map((id) => exporter.get(id)));
    if (jobs.every((j) => j && (j.status === 'done' || j.status === 'failed'))) return jobs.map((j) => j!);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('exports did not finish');
}

export function exportSuite(e: TestEngine): void {
  test('a job goes queued → running → done with its file; list newest first, per user ignoring ASCII case', async () => {
    const repo = new ExportRepo(await e.open());
    const a = await repo.insert(job('exp-a'), T);
    expect(a).toEqual({ ...job('exp-a'), status: 'queued', progress: 0, file: null, bytes: null, sha256: null, errorCode: null, error: null, createdAt: T, finishedAt: null });
    await repo.insert(job('exp-b', { username: 'Other', userId: null, role: 'supervisor' }), T + 1);
    await repo.insert(job('exp-c', { username: 'INV' }), T + 2);
    await repo.setRunning('exp-a');
    await repo.setProgress('exp-a', 0.5);
    expect(await repo.get('exp-a')).toMatchObject({ status: 'running', progress: 0.5 });
    await repo.setProgress('exp-a', 7); // clamped
    expect((await repo.get('exp-a'))?.progress).toBe(1);
    await repo.finish('exp-a', { file: 'exp-a.zip', bytes: 5_000_000_000, sha256: 'ab'.repeat(32) }, T + 10);
    // a progress write that arrives after the finish does not undo it
    await repo.setProgress('exp-a', 0.2);
    expect(await repo.get('exp-a')).toMatchObject({ status: 'done', progress: 1, file: 'exp-a.zip', bytes: 5_000_000_000, sha256: 'ab'.repeat(32), finishedAt: T + 10 });
    expect((await repo.list()).map((j) => j.id)).toEqual(['exp-c', 'exp-b', 'exp-a']);
    expect((await repo.list({ username: 'inv' })).map((j) => j.id)).toEqual(['exp-c', 'exp-a']);
    expect((await repo.list({ limit: 1 })).map((j) => j.id)).toEqual(['exp-c']);
    expect((await repo.unfinished()).map((j) => j.id)).toEqual(['exp-b', 'exp-c']);
    await repo.fail('exp-b', 'disk_full', 'x'.repeat(900), T + 20);
    expect(await repo.get('exp-b')).toMatchObject({ status: 'failed', errorCode: 'disk_full', finishedAt: T + 20 });
    expect((await repo.get('exp-b'))?.error).toHaveLength(500);
    expect(await repo.get('nope')).toBeUndefined();
    expect(await repo.get('exp-\u0000')).toBeUndefined(); // a NUL from a URL names no job (PostgreSQL would refuse the query)
    expect(await repo.camerasOf('exp-\u0000')).toBeUndefined();
  });

  test('odd Unicode in the reason, case reference, user and camera ids comes back exactly; timeline markers by camera', async () => {
    const repo = new ExportRepo(await e.open());
    const odd = job('exp-odd', { cameraIds: [ODD_CAM, 'gate'], reason: ODD, caseRef: ODD_CASE, username: '王调查员 👩🏽‍💻' });
    await repo.insert(odd, T);
    await repo.insert(job('exp-later', { fromMs: T + 120_000, toMs: T + 180_000 }), T + 1);
    await repo.insert(job('exp-other', { cameraIds: ['yard'] }), T + 2);
    expect(await repo.get('exp-odd')).toMatchObject({ reason: ODD, caseRef: ODD_CASE, username: '王调查员 👩🏽‍💻', cameraIds: [ODD_CAM, 'gate'] });
    expect((await repo.list({ username: '王调查员 👩🏽‍💻' })).map((j) => j.id)).toEqual(['exp-odd']);
    expect((await repo.forCamera(ODD_CAM, T - 1, T + 1e6)).map((j) => j.id)).toEqual(['exp-odd']);
    expect((await repo.forCamera('gate', T, T + 1e6)).map((j) => j.id)).toEqual(['exp-odd', 'exp-later']);
    expect((await repo.forCamera('gate', T + 60_000, T + 120_000)).map((j) => j.id)).toEqual([]); // touching ends do not overlap
    // a camera id that is a substring, or differs only by normalisation, is another camera
    expect(await repo.forCamera('cam', T, T + 1e6)).toEqual([]);
    expect(await repo.forCamera(ODD_CAM.normalize('NFC'), T, T + 1e6)).toEqual([]);
    expect(await repo.camerasOf('exp-odd')).toEqual([ODD_CAM, 'gate']);
    expect(await repo.camerasOf('nope')).toBeUndefined();
  });

  test('one id inserted twice at once: one row, the other a unique violation', async () => {
    const s = await e.open();
    const repo = new ExportRepo(s);
    await Promise.all([1, 2].map(() => s.db.selectFrom('exports').select('id').execute())); // PostgreSQL: two connections
    const r = await Promise.allSettled([repo.insert(job('exp-dup', { reason: 'first' })), repo.insert(job('exp-dup', { reason: 'second' }))]);
    expect(r.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    const lost = r.find((x) => x.status === 'rejected') as PromiseRejectedResult;
    expect(isUniqueViolation(lost.reason)).toBe(true);
    expect(await repo.list()).toHaveLength(1);
  });

  test('two exports of one range at once: two jobs, each with its own lock covering every segment; both end, none stuck', async () => {
    const s = await e.open();
    const { exporter, locks, entries } = await exporterRig(s);
    const user = { id: 1, username: 'inv', role: 'investigator' };
    const input = { cameraIds: [ODD_CAM], fromMs: T + 5_000, toMs: T + 45_000, reason: ODD, caseRef: ODD_CASE };
    const [a, b] = await Promise.all([exporter.request(input, user), exporter.request(input, { ...user, username: 'inv2' })]);
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({ reason: ODD.trim(), caseRef: ODD_CASE.trim(), cameraIds: [ODD_CAM] });
    const held = await locks.overlapping(ODD_CAM, T, T + 1e6);
    expect(held.map((l) => l.exportId).sort()).toEqual([a.id, b.id].sort());
    for (const l of held) expect(l).toMatchObject({ startMs: T + 5_000, endMs: T + 45_000, caseRef: ODD_CASE.trim() });
    const done = await settled(exporter, [a.id, b.id]);
    // no ffprobe here: both fail at their first probe, one after the other, and say so; neither stays running
    for (const j of done) expect(j).toMatchObject({ status: 'failed', errorCode: expect.any(String) as string, finishedAt: expect.any(Number) as number });
    expect(entries.filter((x) => x.action === 'export.create').map((x) => x.target).sort()).toEqual([a.id, b.id].sort());
    expect(entries.filter((x) => x.action === 'export.failed')).toHaveLength(2);
    expect((await exporter.repo.forCamera(ODD_CAM, T, T + 1e6)).map((j) => j.id).sort()).toEqual([a.id, b.id].sort());
  });

  test('after a restart, queued and running jobs are failed as interrupted', async () => {
    const s = await e.open();
    const repo = new ExportRepo(s);
    await repo.insert(job('exp-q'), T);
    await repo.insert(job('exp-r'), T + 1);
    await repo.setRunning('exp-r');
    await repo.insert(job('exp-d'), T + 2);
    await repo.finish('exp-d', { file: 'd.zip', bytes: 1, sha256: 'cd'.repeat(32) });
    const { exporter, entries } = await exporterRig(s);
    await exporter.recover();
    expect(await repo.get('exp-q')).toMatchObject({ status: 'failed', errorCode: 'interrupted' });
    expect(await repo.get('exp-r')).toMatchObject({ status: 'failed', errorCode: 'interrupted' });
    expect((await repo.get('exp-d'))?.status).toBe('done');
    expect(entries.map((x) => [x.action, x.target])).toEqual([['export.failed', 'exp-q'], ['export.failed', 'exp-r']]);
  });

  test('camera restarts: recorded with odd text, older than 90 days dropped, a bad write never rejects', async () => {
    const s = await e.open();
    await recordRestart(s, ODD_CAM, T - 91 * 86_400_000, 'old');
    await recordRestart(s, ODD_CAM, T, ODD);
    await recordRestart(s, ODD_CAM, T + 1, null);
    const rows = await s.db.selectFrom('camera_events').select(['camera_id', 'ts_ms', 'kind', 'detail']).orderBy('ts_ms').execute();
    expect(rows).toEqual([
      { camera_id: ODD_CAM, ts_ms: T, kind: 'restart', detail: ODD },
      { camera_id: ODD_CAM, ts_ms: T + 1, kind: 'restart', detail: null },
    ]);
    await expect(recordRestart(s, 'x\u0000', T, null)).resolves.toBeUndefined(); // PostgreSQL refuses the NUL: swallowed
  });
}
