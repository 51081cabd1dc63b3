/** The alarm service's constants, options, the outbox hook it offers, and the snapshot file it writes (service.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { EventBus } from '../events/bus.ts';
import type { SqlDb } from '../store/sql/db.ts';
import type { SqlSchema } from '../store/sql/schema.ts';
import { createLogger } from '../util/log.ts';
import type { ZoneRepo } from './zone-repo.ts';
import type { AlarmKind, AlarmPriority, AlarmView } from './types.ts';

const log = createLogger('alarms');

/** The recording is opened this long before the person entered / the obstruction appeared. */
export const RECORDING_PREROLL_MS = 5_000;

/** Priority of an alarm whose zone gives none: exits (and tamper) above loitering. */
export function defaultPriority(kind: AlarmKind): AlarmPriority {
  return kind === 'loitering' ? 2 : 1;
}

/** At most this many ids in one bulk acknowledge: shared/wire/alarms.ts. */
export { MAX_BULK_ACK } from '../../shared/wire/alarms.ts';

export type EventKind = 'raised' | 'updated';

/** Writes an alarm event's outbox row inside the alarm's own transaction (the MQTT publisher: server/mqtt). */
export interface AlarmOutbox {
  /** in the write transaction, after the alarm row is written; a throw rolls the alarm back */
  write(tx: Kysely<SqlSchema>, a: AlarmView, kind: 'raised' | 'updated'): Promise<void>;
  /** after the commit (send what was written) */
  committed(): void;
}

export interface AlarmServiceOptions {
  sql: SqlDb;
  bus: EventBus;
  dataDir: string;
  /** the zones (their priorities); without it an alarm takes its kind's default priority */
  zones?: ZoneRepo;
  cameraName?: (id: string) => string | undefined;
  now?: () => number;
  /** a restart within this long of the previous end joins it (default 120 s) */
  cooldownMs?: number;
}

/** The annotated JPEG under the data dir (synchronous: nothing awaited inside the write transaction); undefined when it fails. */
export function saveSnapshot(dir: string, id: number, jpeg: Buffer): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
    const file = `alarm-${id}.jpg`;
    writeFileSync(join(dir, file), jpeg);
    return file;
  } catch (e) {
    log.warn('cannot store the alarm snapshot', { id, err: e });
    return undefined;
  }
}
