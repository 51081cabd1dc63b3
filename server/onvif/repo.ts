/**
 * ONVIF facts about onboarded cameras (table camera_onvif; the row goes with its camera: ON DELETE CASCADE), on the
 * SQL layer (Kysely, docs/cluster.md; legacy migration 4 on SQLite, SQL step 0022). Async; OnvifService keeps
 * the records in memory (loaded by its `load()` at start).
 */
import type { Selectable } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { CameraOnvifTable } from '../store/sql/schema.ts';
import type { OnvifCapabilities } from './probe.ts';

export interface OnvifRecord {
  cameraId: string;
  xaddr: string;
  urn: string | null;
  manufacturer: string;
  model: string;
  firmware: string;
  serial: string;
  hardwareId: string;
  mediaXaddr: string | null;
  ptzXaddr: string | null;
  mainToken: string | null;
  subToken: string | null;
  /** Server-side only: some devices put credentials in it. */
  snapshotUri: string | null;
  capabilities: OnvifCapabilities;
  clockOffsetMs: number | null;
  clockCheckedAt: number | null;
}

type Row = Selectable<CameraOnvifTable>;

const NO_CAPS: OnvifCapabilities = { ptz: false, snapshot: false, events: false, imaging: false };

function toRecord(r: Row): OnvifRecord {
  let caps = NO_CAPS;
  try {
    caps = { ...NO_CAPS, ...(JSON.parse(r.capabilities_json) as Partial<OnvifCapabilities>) };
  } catch {
    /* keep the defaults */
  }
  return {
    cameraId: r.camera_id,
    xaddr: r.xaddr,
    urn: r.urn,
    manufacturer: r.manufacturer,
    model: r.model,
    firmware: r.firmware,
    serial: r.serial,
    hardwareId: r.hardware_id,
    mediaXaddr: r.media_xaddr,
    ptzXaddr: r.ptz_xaddr,
    mainToken: r.main_token,
    subToken: r.sub_token,
    snapshotUri: r.snapshot_uri,
    capabilities: caps,
    clockOffsetMs: r.clock_offset_ms,
    clockCheckedAt: r.clock_checked_at,
  };
}

export class OnvifRepo {
  constructor(private readonly s: SqlDb) {}

  async list(): Promise<OnvifRecord[]> {
    return (await this.s.db.selectFrom('camera_onvif').selectAll().execute()).map(toRecord);
  }

  async get(cameraId: string): Promise<OnvifRecord | undefined> {
    const r = await this.s.db.selectFrom('camera_onvif').selectAll().where('camera_id', '=', cameraId).executeTakeFirst();
    return r && toRecord(r);
  }

  async save(x: OnvifRecord): Promise<void> {
    const now = Date.now();
    const row = {
      xaddr: x.xaddr,
      urn: x.urn,
      manufacturer: x.manufacturer,
      model: x.model,
      firmware: x.firmware,
      serial: x.serial,
      hardware_id: x.hardwareId,
      media_xaddr: x.mediaXaddr,
      ptz_xaddr: x.ptzXaddr,
      main_token: x.mainToken,
      sub_token: x.subToken,
      snapshot_uri: x.snapshotUri,
      capabilities_json: JSON.stringify(x.capabilities),
      clock_offset_ms: x.clockOffsetMs,
      clock_checked_at: x.clockCheckedAt,
      updated_at: now,
    };
    await this.s.db
      .insertInto('camera_onvif')
      .values({ camera_id: x.cameraId, ...row, created_at: now })
      .onConflict((oc) => oc.column('camera_id').doUpdateSet(row))
      .execute();
  }

  async delete(cameraId: string): Promise<void> {
    await this.s.db.deleteFrom('camera_onvif').where('camera_id', '=', cameraId).execute();
  }
}
