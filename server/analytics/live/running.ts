/**
 * The running live analytics' exit-zone references, for the zone routes (server/http/routes/zones.ts)
 * when app.ts does not hand them over (a tiny module: the router must not load the detector).
 */
export interface SceneAccess {
  zoneImage(cameraId: string, zone: string, which?: 'reference' | 'current'): Promise<Buffer | undefined>;
  relearnZone(cameraId: string, zone: string): boolean;
  status(): { cameras: { cameraId: string; scenes: { zone: string; state: string; reason?: string }[] }[] };
}

let running: SceneAccess | undefined;

export function setRunningScenes(a: SceneAccess | undefined): void {
  running = a;
}

export function runningScenes(): SceneAccess | undefined {
  return running;
}
