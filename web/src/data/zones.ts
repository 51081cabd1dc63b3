/** Detection zones of a camera (normalised polygons) and the still they are drawn on. */
import { api } from './api';

import type { CameraZones, Zone, ZoneRelearnBody, ZonesBody } from '../../../shared/wire/zones';
/** Zones on the wire: shared/wire/zones.ts (the server's zoneSchema has the same type). */
export type { CameraZones, Zone, ZoneKind } from '../../../shared/wire/zones';
import type { ZoneSceneStatus } from '../../../shared/wire/analytics';

const base = (id: string) => `/api/cameras/${encodeURIComponent(id)}`;
export const fetchZones = (id: string) => api<CameraZones>('GET', `${base(id)}/zones`);
export const saveZones = (id: string, zones: Zone[]) => api<CameraZones>('PUT', `${base(id)}/zones`, { body: { zones } satisfies ZonesBody });
/** A fresh still of the live view (the server caches it ~2 s). */
export const snapshotUrl = (id: string) => `${base(id)}/snapshot.jpg?t=${Date.now()}`;

/** An exit zone's learned "clear" reference (issue H point 2): its state, image and re-learning. */
export type ZoneScene = Pick<ZoneSceneStatus, 'zone' | 'state' | 'reason'>;
/** `stamp` changes the URL when the reference may have changed (load, re-learn), not on every render. */
export const referenceUrl = (id: string, zone: string, stamp: number) => `${base(id)}/zones/reference.jpg?zone=${encodeURIComponent(zone)}&t=${stamp}`;
export const relearnZone = (id: string, zone: string) => api<{ state: string }>('POST', `${base(id)}/zones/relearn`, { body: { zone } satisfies ZoneRelearnBody });
export async function fetchZoneScenes(id: string): Promise<ZoneScene[]> {
  const s = await api<{ cameras?: { cameraId: string; scenes?: ZoneScene[] }[] }>('GET', '/api/analytics/status');
  return s.cameras?.find((c) => c.cameraId === id)?.scenes ?? [];
}
