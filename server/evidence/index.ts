/**
 * Recording review, retention, evidence export and the audit trail, assembled in one place for main.ts and
 * app.ts. `start()` reconciles the recording index with the disk, then starts retention; `stop()` closes open
 * viewing sessions in the audit trail and cancels a running export.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '../audit/log.ts';
import { ViewTracker } from '../audit/views.ts';
import type { CameraService } from '../cameras/service.ts';
import type { EventBus } from '../events/bus.ts';
import { TimelineService } from '../record/timeline.ts';
import { LockRepo } from '../retention/locks.ts';
import { ffprobeInfo, reconcile } from '../retention/reconcile.ts';
import { Retention } from '../retention/retention.ts';
import type { SqlDb } from '../store/sql/db.ts';
import type { SegmentRepo } from '../store/segments.ts';
import type { UserRepo } from '../store/users.ts';
import { createLogger } from '../util/log.ts';
import { cameraAccess, type CameraAccess } from './access.ts';
import { Exporter } from './exporter.ts';
import { Sealer } from '../seal/sealer.ts';
import { recordingsLog } from '../integrity/chains.ts';
import type { SigningKey } from './keys.ts';
import type { Integrity } from '../integrity/index.ts';

const log = createLogger('evidence');

export interface EvidenceOptions {
  /** the SQL layer (segment index, evidence locks, export jobs, the audit trail) */
  sql: SqlDb;
  segments: SegmentRepo;
  bus: EventBus;
  cameras: CameraService;
  users: UserRepo;
  dataDir: string;
  recordingsDir: string;
  /** default <dataDir>/.exports */
  exportsDir?: string;
  ffmpegPath: string;
  ffprobePath: string;
  version: string;
  storage: { retentionDays: number; diskQuotaGb: number; lowDiskPercent: number; minFreePercent?: number; minFreeGb?: number; minKeepHours?: number };
  /** the site key and the checkpoints (server/integrity) */
  integrity: Integrity;
  /** a viewer idle for this long has stopped watching (default 20 s) */
  viewIdleMs?: number;
}

export interface Evidence {
  audit: AuditLog;
  views: ViewTracker;
  locks: LockRepo;
  retention: Retention;
  timeline: TimelineService;
  key: SigningKey;
  exporter: Exporter;
  sealer: Sealer;
  access: CameraAccess;
  users: UserRepo;
  segments: SegmentRepo;
  recordingsDir: string;
  /** the audit trail's chain against its signed checkpoints */
  verifyAudit(): ReturnType<Integrity['verifyAudit']>;
  /** audit the start (and a changed config file), reconcile the index, start retention */
  start(configFile?: string): Promise<void>;
  stop(): void;
}

export function createEvidence(o: EvidenceOptions): Evidence {
  const audit = new AuditLog(o.sql);
  const views = new ViewTracker(audit, { idleMs: o.viewIdleMs });
  const locks = new LockRepo(o.sql);
  const key = o.integrity.key;
  const access = cameraAccess(o.cameras, o.segments);
  const retention = new Retention({
    sql: o.sql,
    recordingsDir: o.recordingsDir,
    bus: o.bus,
    audit,
    defaultDays: o.storage.retentionDays,
    cameraDays: (id) => o.cameras.get(id)?.retentionDays,
    quotaBytes: Math.round(o.storage.diskQuotaGb * 1024 ** 3),
    lowDiskPercent: o.storage.lowDiskPercent,
    minFreePercent: o.storage.minFreePercent,
    minFreeGb: o.storage.minFreeGb,
    minKeepHours: o.storage.minKeepHours,
    exportsDir: o.exportsDir ?? join(o.dataDir, '.exports'),
    snapshotDirs: [join(o.dataDir, 'alarms', 'snapshots'), join(o.dataDir, 'patrol', 'snapshots')],
  });
  const timeline = new TimelineService(o.sql, o.segments, locks);
  const sealer = new Sealer(o.sql, o.segments, o.bus, o.recordingsDir);
  const checkpointFor = async (cameraId: string, seq: number) => {
    const log = recordingsLog(cameraId);
    let c = await o.integrity.store.newest(log);
    if (!c || c.seq < seq) {
      await o.integrity.sealNow();
      c = await o.integrity.store.newest(log);
    }
    return c && c.seq >= seq ? { log, seq: c.seq, time: c.time, hash: c.hash } : null;
  };
  const exporter = new Exporter({
    sql: o.sql,
    segments: o.segments,
    locks,
    audit,
    bus: o.bus,
    bundle: {
      ffmpegPath: o.ffmpegPath,
      ffprobePath: o.ffprobePath,
      recordingsDir: o.recordingsDir,
      outDir: o.exportsDir ?? join(o.dataDir, '.exports'),
      key,
      version: o.version,
    },
    camera: (id, user) => access.describe(user, id),
    seals: { verify: (segs, signal) => sealer.verify(segs, signal), checkpointFor },
  });
  timeline.addSource({
    kind: 'export',
    list: async (cameraId, from, to) =>
      (await exporter.repo.forCamera(cameraId, from, to)).map((j) => ({
        kind: 'export',
        id: j.id,
        at: j.fromMs,
        end: j.toMs,
        label: `${j.id}: ${j.reason}${j.caseRef ? ` (${j.caseRef})` : ''}`,
        severity: 'info' as const,
      })),
  });

  return {
    audit,
    views,
    locks,
    retention,
    timeline,
    key,
    exporter,
    sealer,
    access,
    users: o.users,
    segments: o.segments,
    recordingsDir: o.recordingsDir,
    verifyAudit: () => o.integrity.verifyAudit(),
    async start(configFile) {
      const configSha256 = configFile && existsSync(configFile) ? createHash('sha256').update(readFileSync(configFile)).digest('hex') : null;
      const previous = (await audit.query({ action: 'system.start', limit: 1 })).entries[0];
      audit.record({
        action: 'system.start',
        actor: { username: 'system' },
        detail: { version: o.version, config: configFile ?? null, configSha256, signingKey: key.fingerprint },
      });
      const before = previous?.detail.configSha256 ?? null;
      if (previous && before !== configSha256) {
        audit.record({ action: 'config.changed', actor: { username: 'system' }, target: configFile ?? null, detail: { before, after: configSha256 } });
      }
      await exporter.recover();
      views.start();
      try {
        const report = await reconcile({ sql: o.sql, segments: o.segments, recordingsDir: o.recordingsDir, probe: ffprobeInfo(o.ffprobePath) });
        if (report.indexed || report.removed || report.missing) {
          audit.record({ action: 'recordings.reconciled', actor: { username: 'system' }, detail: { ...report } });
        }
      } catch (err) {
        log.error('could not reconcile the recording index', { err });
      }
      sealer.start();
      retention.start();
    },
    stop() {
      retention.stop();
      views.stopAll();
      exporter.stop();
      void sealer.stop();
      audit.record({ action: 'system.stop', actor: { username: 'system' } });
    },
  };
}
