/** Detection zones of a camera (normalised polygons) and the still they are drawn on. */
import { api } from './api';

export type ZoneKind = 'loitering' | 'exit';

export interface Zone {
  name: string;
  kind: ZoneKind;
  polygon: [number, number][];
  dwellSeconds?: number;
  classes?: string[];
  activeHours?: { from: string; to: string };
  /** alarm priority 1 high, 2 normal, 3 low (default exit 1, loitering 2) */
  priority?: 1 | 2 | 3;
}

export interface CameraZones {
  cameraId: string;
  zones: Zone[];
  updatedAt: number | null;
  updatedBy: string | null;
}

const base = (id: string) => `/api/cameras/${encodeURIComponent(id)}`;
export const fetchZones = (id: string) => api<CameraZones>('GET', `${base(id)}/zones`);
export const saveZones = (id: string, zones: Zone[]) => api<CameraZones>('PUT', `${base(id)}/zones`, { body: { zones } });
/** A fresh still of the live view (the server caches it ~2 s). */
export const snapshotUrl = (id: string) => `${base(id)}/snapshot.jpg?t=${Date.now()}`;

/** An exit zone's learned "clear" reference (issue H point 2): its state, image and re-learning. */
export interface ZoneScene {
  zone: string;
  state: string;
  reason?: string;
}
/** `stamp` changes the URL when the reference may have changed (load, re-learn), not on every render. */
export const referenceUrl = (id: string, zone: string, stamp: number) => `${base(id)}/zones/reference.jpg?zone=${encodeURIComponent(zone)}&t=${stamp}`;
export const relearnZone = (id: string, zone: string) => api<{ state: string }>('POST', `${base(id)}/zones/relearn`, { body: { zone } });
export async function fetchZoneScenes(id: string): Promise<ZoneScene[]> {
  const s = await api<{ cameras?: { cameraId: string; scenes?: ZoneScene[] }[] }>('GET', '/api/analytics/status');
  return s.cameras?.find((c) => c.cameraId === id)?.scenes ?? [];
}
