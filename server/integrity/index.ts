/**
 * Integrity of the site's records, assembled once for main.ts: the site's Ed25519 key (loaded once, from
 * `storage.keysDir` or the data dir), the checkpoint store and its schedule, and the verifications the API
 * and the daily report / handover use.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlDb } from '../store/sql/db.ts';
import { KEY_FILE, SigningKey } from '../evidence/keys.ts';
import { createLogger } from '../util/log.ts';
import type { Checkpoint } from './checkpoint.ts';
import { CheckpointStore, Checkpointer } from './checkpoints.ts';
import { AUDIT_LOG, DUTY_LOG, chainSources, recordingsLog, sealReport, verifyAudit, verifyDutyLog } from './chains.ts';
import type { SealReport } from './seal-check.ts';

const log = createLogger('integrity');

export class KeyMissingError extends Error {}

/** How much was sealed with the site key so far (a missing key then is an error, never a silent new key). */
export async function sealedCount(s: SqlDb): Promise<number> {
  const [cp, seg] = await Promise.all([
    s.db.selectFrom('checkpoints').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    s.db.selectFrom('segments').select((eb) => eb.fn.countAll<number>().as('n')).where('seal_seq', 'is not', null).executeTakeFirstOrThrow(),
  ]);
  return Number(cp.n) + Number(seg.n);
}

/**
 * Load the site key from `keysDir`, creating it only on a site that has sealed nothing yet. A key left in the
 * data dir while keysDir points elsewhere is an error too (move it; do not fork the site's identity).
 */
export async function loadSiteKey(s: SqlDb, keysDir: string, dataDir: string): Promise<SigningKey> {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const file = join(keysDir, KEY_FILE);
  if (!existsSync(file)) {
    const stray = join(dataDir, KEY_FILE);
    if (keysDir !== dataDir && existsSync(stray)) {
      throw new KeyMissingError(`the signing key is in ${stray}, but storage.keysDir is ${keysDir}: move the file there (keep mode 0600)`);
    }
    const n = await sealedCount(s);
    if (n > 0) {
      throw new KeyMissingError(
        `the signing key ${file} is missing, but ${n} checkpoints and sealed segments were signed with it: ` +
          `restore the key file from its backup (or point storage.keysDir / WATCHPOST_KEYS_DIR at it). ` +
          `Watchpost will not create a new key, which would make every existing seal unverifiable.`,
      );
    }
  }
  return SigningKey.loadOrCreate(keysDir);
}

export interface IntegrityOptions {
  /** the SQL layer every chain and the checkpoints are read through (issue J) */
  sql: SqlDb;
  key: SigningKey;
  checkpointsDir: string;
  intervalMs: number;
  onSealed?: (c: Checkpoint) => void;
}

export interface Integrity {
  key: SigningKey;
  store: CheckpointStore;
  checkpointer: Checkpointer;
  verifyDutyLog(): ReturnType<typeof verifyDutyLog>;
  verifyAudit(): ReturnType<typeof verifyAudit>;
  recordings(cameraId: string): Promise<SealReport>;
  /** The newest checkpoint of the duty log or the audit trail: printed on the daily report and the handover. */
  newestLogCheckpoint(): { log: string; seq: number; time: number; hash: string } | null;
  /** Seal now (before an export, at shutdown). */
  sealNow(): Promise<Checkpoint[]>;
}

/**
 * The checkpoints are in the SQL layer's `checkpoints` table (step 0030); the newest of the duty log / audit trail
 * is kept in memory (loaded here, then from each seal) so reports and handovers read it without a query.
 */
export async function createIntegrity(o: IntegrityOptions): Promise<Integrity> {
  const store = new CheckpointStore(o.sql, o.checkpointsDir);
  let newest = await store.newestOf([DUTY_LOG, AUDIT_LOG]);
  const onSealed = (c: Checkpoint) => {
    if ((c.log === DUTY_LOG || c.log === AUDIT_LOG) && (!newest || c.time >= newest.time)) newest = c;
    o.onSealed?.(c);
  };
  const checkpointer = new Checkpointer({ store, key: o.key, sources: () => chainSources(o.sql), intervalMs: o.intervalMs, onSealed });
  log.info('checkpoints', { dir: o.checkpointsDir, everySeconds: o.intervalMs / 1000, key: o.key.fingerprint });
  return {
    key: o.key,
    store,
    checkpointer,
    verifyDutyLog: () => verifyDutyLog(o.sql, store, o.key),
    verifyAudit: () => verifyAudit(o.sql, store, o.key),
    recordings: (cameraId) => sealReport(o.sql, store, o.key, recordingsLog(cameraId)),
    newestLogCheckpoint() {
      const c = newest;
      return c ? { log: c.log, seq: c.seq, time: c.time, hash: c.hash } : null;
    },
    sealNow: () => checkpointer.sealNow(),
  };
}
