/**
 * Camera list, kept live by the SSE stream /api/events: `hello` replaces the whole list (on every
 * (re)connect, so a reconnect is also a re-fetch), `camera` upserts, `camera-removed` deletes.
 */
import { api } from './api';
import { connectSse, type SseConnection } from './sse';
import { Store } from './store';
import type { Camera, CameraCreateBody, CameraInput, CameraTestInput, CameraTestResult } from './types';

export type ConnectionState = 'connected' | 'reconnecting';

export interface CamerasState {
  cameras: Camera[];
  /** The first list has arrived. */
  loaded: boolean;
  connection: ConnectionState;
  /** Increments on every (re)connect: players that are stuck retry at once. */
  epoch: number;
}

const initial: CamerasState = { cameras: [], loaded: false, connection: 'reconnecting', epoch: 0 };
export const cameras = new Store<CamerasState>(initial);

let conn: SseConnection | null = null;
let helloTimer: ReturnType<typeof setTimeout> | undefined;

function upsert(cam: Camera): void {
  const list = cameras.value.cameras;
  const i = list.findIndex((c) => c.id === cam.id);
  const next = i < 0 ? [...list, cam] : list.map((c, j) => (j === i ? cam : c));
  cameras.update({ cameras: next });
}

function remove(id: string): void {
  cameras.update({ cameras: cameras.value.cameras.filter((c) => c.id !== id) });
}

function replaceAll(list: Camera[]): void {
  const s = cameras.value;
  cameras.set({ cameras: list, loaded: true, connection: 'connected', epoch: s.epoch + 1 });
}

/** Fallback when a connect brings no `hello`: fetch the list the plain way. */
async function refetch(): Promise<void> {
  try {
    replaceAll(await api<Camera[]>('GET', '/api/cameras'));
  } catch {
    // the stream's own reconnect will try again
  }
}

export function startCameras(): void {
  if (conn) return;
  conn = connectSse('/api/events', {
    onOpen() {
      clearTimeout(helloTimer);
      helloTimer = setTimeout(() => void refetch(), 3000);
    },
    onEvent(name, data) {
      if (name === 'hello') {
        clearTimeout(helloTimer);
        const list = (data as { cameras?: Camera[] } | null)?.cameras;
        if (Array.isArray(list)) replaceAll(list);
      } else if (name === 'camera') {
        if (data && typeof data === 'object' && 'id' in data) upsert(data as Camera);
      } else if (name === 'camera-removed') {
        const id = (data as { id?: string } | null)?.id;
        if (id) remove(id);
      }
    },
    onDisconnect() {
      clearTimeout(helloTimer);
      if (cameras.value.connection !== 'reconnecting') cameras.update({ connection: 'reconnecting' });
    },
  });
}

export function stopCameras(): void {
  clearTimeout(helloTimer);
  conn?.close();
  conn = null;
  cameras.set(initial);
}

export function findCamera(id: string): Camera | undefined {
  return cameras.value.cameras.find((c) => c.id === id);
}

export async function createCamera(input: CameraCreateBody): Promise<Camera> {
  const cam = await api<Camera>('POST', '/api/cameras', { body: input });
  upsert(cam);
  return cam;
}

export async function updateCamera(id: string, input: CameraInput): Promise<Camera> {
  const cam = await api<Camera>('PATCH', `/api/cameras/${encodeURIComponent(id)}`, { body: input });
  upsert(cam);
  return cam;
}

export async function deleteCamera(id: string): Promise<void> {
  await api<void>('DELETE', `/api/cameras/${encodeURIComponent(id)}`);
  remove(id);
}

/** Probe a source before saving (the camera form's "test connection"); stores nothing. */
export function testCameraSource(input: CameraTestInput): Promise<CameraTestResult> {
  return api<CameraTestResult>('POST', '/api/cameras/test', { body: input });
}
