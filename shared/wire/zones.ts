/**
 * Detection zones on the wire (GET/PUT /api/cameras/:id/zones). The server validates them with zoneSchema
 * (server/analytics/zones.ts, which checks at compile time that the schema's type is this one); the console
 * (web/src/data/zones.ts) imports this module. Same rule as shared/wire/dispatch.ts: no imports of any kind.
 */

export type ZoneKind = 'loitering' | 'exit';

/** A zone: normalised polygon (0..1 image coordinates) and the rule that applies in it. */
export interface Zone {
  name: string;
  kind: ZoneKind;
  polygon: [number, number][];
  dwellSeconds?: number;
  classes?: string[];
  activeHours?: { from: string; to: string };
  /** areas where no object counts for this zone (same normalised polygons) */
  masks?: [number, number][][];
  /** alarm priority 1 high, 2 normal, 3 low (default exit 1, loitering 2) */
  priority?: 1 | 2 | 3;
}

/** Body of PUT /api/cameras/:id/zones (validated by zonesFileSchema, server/analytics/zones.ts). */
export interface ZonesBody {
  zones: Zone[];
}

/** Body of POST /api/cameras/:id/zones/relearn: the exit zone whose clear reference is learned again. */
export interface ZoneRelearnBody {
  zone: string;
}

/** A camera's zones as GET and PUT /api/cameras/:id/zones answer. */
export interface CameraZones {
  cameraId: string;
  zones: Zone[];
  updatedAt: number | null;
  updatedBy: string | null;
}
