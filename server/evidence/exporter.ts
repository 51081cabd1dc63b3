/**
 * Evidence exports: validates a request, evidence-locks the range, queues the job and builds the bundles one
 * at a time (a remux is I/O heavy; two at once only slow each other down). Every step is audited:
 * `export.create`, then `export.done` or `export.failed`; downloads are audited by the HTTP layer.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditActor, AuditLog } from '../audit/log.ts';
import type { EventBus } from '../events/bus.ts';
import type { LockRepo } from '../retention/locks.ts';
import type { SqlDb } from '../store/sql/db.ts';
import type { Segment, SegmentRepo } from '../store/segments.ts';
import type { SealProblemSegment } from '../seal/sealer.ts';
import { AppError, badRequest, notFound } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { buildBundle, type BundleCamera, type BundleDeps, type BundleRequest, type CheckpointAt } from './bundle.ts';
import { ExportRepo, type ExportJob } from './jobs.ts';
import { checkRange, noFootage } from './range.ts';
import { RemuxError } from './remux.ts';

const log = createLogger('evidence');
export const MAX_EXPORT_MS = 24 * 3600_000;
export const MAX_EXPORT_CAMERAS = 4;

export interface ExportUser {
  id: number | null;
  username: string;
  role: string;
  ip?: string | null;
}

export interface ExportInput {
  cameraIds: string[];
  fromMs: number;
  toMs: number;
  reason: string;
  caseRef?: string | null;
}

export interface ExporterDeps {
  /** the SQL layer: the export jobs (table `exports`) */
  sql: SqlDb;
  segments: SegmentRepo;
  locks: LockRepo;
  audit: AuditLog;
  bus?: EventBus;
  bundle: BundleDeps;
  /** the camera as the user may see it; undefined = unknown or not visible (404) */
  camera: (id: string, user: ExportUser) => Promise<BundleCamera | undefined>;
  /** recording seals: re-hash before an export, the checkpoint covering them (issue F) */
  seals?: {
    verify(segments: Segment[], signal?: AbortSignal): Promise<SealProblemSegment[]>;
    checkpointFor(cameraId: string, seq: number): CheckpointAt | null | Promise<CheckpointAt | null>;
  };
  maxRangeMs?: number;
  now?: () => number;
}

const actorOf = (u: ExportUser): AuditActor => ({ id: u.id, username: u.username, role: u.role, ip: u.ip ?? null });

export function newExportId(now: number): string {
  const d = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `exp-${d.toLowerCase()}-${randomBytes(3).toString('hex')}`;
}

export class Exporter {
  readonly repo: ExportRepo;
  private readonly queue: { job: ExportJob; req: BundleRequest; actor: AuditActor }[] = [];
  private running: { id: string; abort: AbortController } | undefined;
  private readonly live = new Map<string, number>();
  private readonly now: () => number;
  /** progress writes of the running job, in order (a pool could reorder them); awaited before its end is stored */
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly d: ExporterDeps) {
    this.repo = new ExportRepo(d.sql);
    this.now = d.now ?? Date.now;
    mkdirSync(d.bundle.outDir, { recursive: true });
  }

  /** After a restart: unfinished jobs are failed and temporary files removed. */
  async recover(): Promise<void> {
    for (const j of await this.repo.unfinished()) {
      await this.repo.fail(j.id, 'interrupted', 'the server stopped while the export was being made; request it again');
      this.d.audit.record({ action: 'export.failed', actor: { username: 'system' }, target: j.id, detail: { code: 'interrupted' } });
    }
    for (const f of readdirSync(this.d.bundle.outDir)) {
      if (/^\..+\.(partial|work)$/.test(f)) rmSync(join(this.d.bundle.outDir, f), { recursive: true, force: true });
    }
  }

  /**
   * Re-hash every segment of the range against its seal, then `request()`. A segment altered or missing since
   * it was recorded is `409 footage_tampered` naming the segments (audited as export.refused): never a
   * signed bundle of altered footage.
   */
  async requestVerified(input: ExportInput, user: ExportUser): Promise<ExportJob> {
    const ids = [...new Set(input.cameraIds)];
    checkRange(input.fromMs, input.toMs, { now: this.now(), maxMs: this.d.maxRangeMs ?? MAX_EXPORT_MS });
    for (const id of ids) if (!(await this.d.camera(id, user))) throw notFound(`no camera "${id}"`, { what: 'camera', id });
    if (this.d.seals && ids.length <= MAX_EXPORT_CAMERAS) {
      const segs = (await Promise.all(ids.map((id) => this.d.segments.range(id, input.fromMs, input.toMs)))).flat();
      const bad = (await this.d.seals.verify(segs)).filter((p) => p.problem !== 'unsealed');
      if (bad.length) {
        const segments = bad.map((b) => ({ camera: b.cameraId, path: b.path, start: new Date(b.startMs).toISOString(), problem: b.problem, sealedSha256: b.sealedSha256, actualSha256: b.actualSha256 }));
        this.d.audit.record({ action: 'export.refused', actor: actorOf(user), cameraId: ids.length === 1 ? ids[0] : null, atMs: input.fromMs, detail: { code: 'footage_tampered', segments } });
        log.error('export refused: recordings do not match their seals', { segments });
        const list = segments.slice(0, 10).map((s) => `${s.path} (${s.problem})`).join(', ');
        throw new AppError(409, 'footage_tampered', `${bad.length} recording segment(s) no longer match the seal made when they were recorded: ${list}${bad.length > 10 ? ', …' : ''}`, {}, { segments, params: { n: bad.length, list } });
      }
    }
    return this.request(input, user);
  }

  /** Validate, lock and queue. Throws 4xx AppErrors for bad requests. */
  async request(input: ExportInput, user: ExportUser): Promise<ExportJob> {
    const now = this.now();
    const ids = [...new Set(input.cameraIds)];
    if (!ids.length) throw badRequest('cameras: pick at least one camera');
    if (ids.length > MAX_EXPORT_CAMERAS) throw badRequest(`cameras: at most ${MAX_EXPORT_CAMERAS} per export`, 'invalid_request', { what: 'export_cameras', field: 'cameras', n: MAX_EXPORT_CAMERAS });
    checkRange(input.fromMs, input.toMs, { now, maxMs: this.d.maxRangeMs ?? MAX_EXPORT_MS });
    const reason = input.reason.trim();
    if (reason.length < 3) throw badRequest('reason: say why this footage is exported (at least 3 characters)');
    const cameras: BundleRequest['cameras'] = [];
    for (const id of ids) {
      const camera = await this.d.camera(id, user);
      if (!camera) throw notFound(`no camera "${id}"`, { what: 'camera', id });
      const segments = (await this.d.segments.range(id, input.fromMs, input.toMs)).filter((s) => existsSync(join(this.d.bundle.recordingsDir, s.path)));
      if (!segments.length) throw noFootage(id, input.fromMs, input.toMs);
      const codecs = new Set(segments.map((s) => s.codec).filter(Boolean));
      if (codecs.size > 1) {
        throw new AppError(422, 'mixed_codecs', `camera "${id}" changed codec (${[...codecs].join(', ')}) within the range; export the parts separately`, {}, { params: { camera: id, codecs: [...codecs].join(', ') } });
      }
      cameras.push({ camera, segments });
    }
    const id = newExportId(now);
    const job = await this.repo.insert(
      { id, cameraIds: ids, fromMs: input.fromMs, toMs: input.toMs, caseRef: input.caseRef?.trim() || null, reason, userId: user.id, username: user.username, role: user.role },
      now,
    );
    const lockIds: number[] = [];
    for (const c of cameras) {
      const cameraId = c.camera.id;
      const { lock, segmentIds } = await this.d.locks.createCovering(
        { cameraId, startMs: input.fromMs, endMs: input.toMs, reason: `export ${id}: ${reason}`, caseRef: job.caseRef, exportId: id, createdBy: user.username },
        now,
      );
      lockIds.push(lock.id);
      // a segment retention deleted between the read above and the lock is not in the bundle (the rest is locked now)
      const covered = new Set(segmentIds);
      c.segments = c.segments.filter((s) => covered.has(s.id));
    }
    const actor = actorOf(user);
    this.d.audit.record({
      action: 'export.create',
      actor,
      cameraId: ids.length === 1 ? ids[0] : null,
      target: id,
      atMs: input.fromMs,
      detail: { cameras: ids, from: new Date(input.fromMs).toISOString(), to: new Date(input.toMs).toISOString(), reason, case: job.caseRef, locks: lockIds },
    });
    const req: BundleRequest = {
      exportId: id,
      fromMs: input.fromMs,
      toMs: input.toMs,
      reason,
      caseRef: job.caseRef,
      user: { id: user.id, username: user.username, role: user.role },
      createdAt: now,
      cameras,
      checkpointFor: this.d.seals ? (cam, seq) => this.d.seals!.checkpointFor(cam, seq) : undefined,
    };
    this.queue.push({ job, req, actor });
    this.emit(id, 'queued', 0);
    queueMicrotask(() => void this.pump());
    return job;
  }

  /** The job with live progress. */
  async get(id: string): Promise<ExportJob | undefined> {
    const j = await this.repo.get(id);
    return j && this.withProgress(j);
  }

  /** A stored job with the running one's live progress (the stored value lags by up to 5 %). */
  withProgress(j: ExportJob): ExportJob {
    const p = this.live.get(j.id);
    return p !== undefined && j.status === 'running' ? { ...j, progress: p } : j;
  }

  bundlePath(job: ExportJob): string | undefined {
    if (job.status !== 'done' || !job.file) return undefined;
    const p = join(this.d.bundle.outDir, job.file);
    return existsSync(p) ? p : undefined;
  }

  /** Cancel the running job and drop queued ones (shutdown). */
  stop(): void {
    this.queue.length = 0;
    this.running?.abort.abort();
  }

  get busy(): boolean {
    return this.running !== undefined || this.queue.length > 0;
  }

  private emit(id: string, status: ExportJob['status'], progress: number): void {
    this.d.bus?.emit('export.progress', { id, status, progress });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    const next = this.queue.shift();
    if (!next) return;
    const { job, req, actor } = next;
    const abort = new AbortController();
    this.running = { id: job.id, abort };
    let lastSaved = 0;
    const started = Date.now();
    try {
      await this.repo.setRunning(job.id);
      this.emit(job.id, 'running', 0);
      const r = await buildBundle(req, this.d.bundle, (f) => {
        this.live.set(job.id, f);
        if (f - lastSaved >= 0.05) {
          lastSaved = f;
          this.saving = this.saving
            .then(() => this.repo.setProgress(job.id, f))
            .catch((err: unknown) => log.warn('could not store an export\'s progress', { id: job.id, err }));
          this.emit(job.id, 'running', f);
        }
      }, abort.signal);
      await this.saving;
      await this.repo.finish(job.id, { file: r.fileName, bytes: r.bytes, sha256: r.manifestSha256 });
      this.emit(job.id, 'done', 1);
      log.info('export done', { id: job.id, bytes: r.bytes, ms: Date.now() - started });
      this.d.audit.record({
        action: 'export.done',
        actor,
        cameraId: job.cameraIds.length === 1 ? job.cameraIds[0] : null,
        target: job.id,
        atMs: job.fromMs,
        detail: {
          file: r.fileName,
          bytes: r.bytes,
          manifestSha256: r.manifestSha256,
          items: r.manifest.items.map((i) => ({ camera: i.camera.id, start: i.actual.start, end: i.actual.end, sha256: i.sha256, segments: i.segments.length })),
        },
      });
    } catch (err) {
      const code = err instanceof RemuxError ? err.code : 'export_failed';
      const message = err instanceof Error ? err.message : String(err);
      await this.saving;
      await this.repo.fail(job.id, code, message).catch((e: unknown) => log.error('could not store an export\'s failure', { id: job.id, err: e }));
      this.emit(job.id, 'failed', this.live.get(job.id) ?? 0);
      log.warn('export failed', { id: job.id, code, err });
      this.d.audit.record({ action: 'export.failed', actor, target: job.id, cameraId: job.cameraIds.length === 1 ? job.cameraIds[0] : null, detail: { code, message } });
    } finally {
      this.live.delete(job.id);
      this.running = undefined;
      void this.pump();
    }
  }
}

