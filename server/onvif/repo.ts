/** ONVIF facts about onboarded cameras (table camera_onvif; the row goes with its camera: ON DELETE CASCADE). */
import type { Db } from '../store/db.ts';
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

interface Row {
  camera_id: string;
  xaddr: string;
  urn: string | null;
  manufacturer: string;
  model: string;
  firmware: string;
  serial: string;
  hardware_id: string;
  media_xaddr: string | null;
  ptz_xaddr: string | null;
  main_token: string | null;
  sub_token: string | null;
  snapshot_uri: string | null;
  capabilities_json: string;
  clock_offset_ms: number | null;
  clock_checked_at: number | null;
}

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
  constructor(private readonly db: Db) {}

  list(): OnvifRecord[] {
    return (this.db.prepare('SELECT * FROM camera_onvif').all() as Row[]).map(toRecord);
  }

  get(cameraId: string): OnvifRecord | undefined {
    const r = this.db.prepare('SELECT * FROM camera_onvif WHERE camera_id = ?').get(cameraId) as Row | undefined;
    return r && toRecord(r);
  }

  save(x: OnvifRecord): void {
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO camera_onvif (camera_id, xaddr, urn, manufacturer, model, firmware, serial, hardware_id, media_xaddr,
           ptz_xaddr, main_token, sub_token, snapshot_uri, capabilities_json, clock_offset_ms, clock_checked_at, created_at, updated_at)
         VALUES (@camera_id, @xaddr, @urn, @manufacturer, @model, @firmware, @serial, @hardware_id, @media_xaddr,
           @ptz_xaddr, @main_token, @sub_token, @snapshot_uri, @capabilities_json, @clock_offset_ms, @clock_checked_at, @now, @now)
         ON CONFLICT(camera_id) DO UPDATE SET xaddr=@xaddr, urn=@urn, manufacturer=@manufacturer, model=@model,
           firmware=@firmware, serial=@serial, hardware_id=@hardware_id, media_xaddr=@media_xaddr, ptz_xaddr=@ptz_xaddr,
           main_token=@main_token, sub_token=@sub_token, snapshot_uri=@snapshot_uri, capabilities_json=@capabilities_json,
           clock_offset_ms=@clock_offset_ms, clock_checked_at=@clock_checked_at, updated_at=@now`,
      )
      .run({
        camera_id: x.cameraId,
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
        now,
      });
  }

  delete(cameraId: string): void {
    this.db.prepare('DELETE FROM camera_onvif WHERE camera_id = ?').run(cameraId);
  }
}
