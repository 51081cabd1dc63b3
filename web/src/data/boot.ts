/** Wires the data layer: the camera stream runs exactly while a user is logged in. */
import { startCameras, stopCameras } from './cameras';
import { checkSession, session } from './session';

let started = false;

export function startData(): void {
  if (started) return;
  started = true;
  session.subscribe((s) => {
    if (s.status === 'authenticated') startCameras();
    else if (s.status === 'anonymous') stopCameras();
  });
  void checkSession();
}
