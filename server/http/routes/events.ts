import { Router, type Response } from 'express';
import type { CameraService } from '../../cameras/service.ts';
import type { EventBus } from '../../events/bus.ts';
import { userView } from './users.ts';
import type { User } from '../../store/users.ts';
import type { RemoteCameraList } from './cameras.ts';

/**
 * A guard's phone (issue L point 2): no cameras, no alarms — only `dispatch` events of the dispatches addressed to
 * this guard (sent, a step, a photo, flagged as not accepted in time).
 */
function guardStream(user: User, bus: EventBus, res: Response, send: (event: string, data: unknown) => void, heartbeatMs: number): void {
  res.write('retry: 2000\n\n');
  send('hello', { cameras: [], user: userView(user) });
  const off = bus.on('dispatch.updated', ({ dispatch, step }) => dispatch.guardId === user.id && send('dispatch', { ...dispatch, step }));
  const beat = setInterval(() => res.write(`: ${Date.now()}\n\n`), heartbeatMs);
  const offRevoked = bus.on('user.revoked', ({ userId }) => userId === user.id && res.end());
  res.on('close', () => {
    off();
    offRevoked();
    clearInterval(beat);
  });
}

/** Server-Sent Events: camera states and changes, alarms (raised / updated) pushed to the console as they happen. */
export function eventsRouter(
  cameras: CameraService,
  bus: EventBus,
  canSee: (user: User, cameraId: string) => boolean = () => true,
  heartbeatMs = 15_000,
  /** other nodes' cameras (issue J): in `hello` and as `camera` / `camera-removed` like this node's own */
  remote?: RemoteCameraList,
): Router {
  const r = Router();
  r.get('/', (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (req.user?.role === 'guard') return guardStream(req.user, bus, res, send, heartbeatMs);
    // only visible cameras and their alarms (rights are re-read on every event: a change applies at once)
    const sees = (id: string) => !req.user || canSee(req.user, id);
    res.write('retry: 2000\n\n');
    // another node's cameras: only for users who may see every camera (re-read on every event, as the rights)
    const seesRemote = () => Boolean(remote && req.user && remote.mayView(req.user));
    const own = cameras.list().filter((c) => sees(c.id)).map((c) => cameras.view(c));
    send('hello', { cameras: seesRemote() ? [...own, ...remote!.list()] : own, user: req.user && userView(req.user) });

    const pushCamera = (id: string) => {
      const c = cameras.get(id);
      if (c && sees(id)) send('camera', cameras.view(c));
    };
    const offState = bus.on('camera.state', ({ cameraId }) => pushCamera(cameraId));
    const offChanged = bus.on('camera.changed', ({ cameraId, removed }) =>
      removed ? sees(cameraId) && send('camera-removed', { id: cameraId }) : pushCamera(cameraId),
    );
    const offRemote = bus.on('camera.remote', ({ cameraId, removed }) => {
      if (!seesRemote() || cameras.get(cameraId)) return;
      if (removed) return send('camera-removed', { id: cameraId });
      const c = remote!.get(cameraId);
      if (c) send('camera', c);
    });
    const offAlarmRaised = bus.on('alarm.raised', (a) => sees(a.cameraId) && send('alarm', { ...a, raised: true }));
    const offAlarmUpdated = bus.on('alarm.updated', (a) => sees(a.cameraId) && send('alarm', a));
    const offAlarmProgress = bus.on('alarm.progress', (a) => sees(a.cameraId) && send('alarm', a));
    const beat = setInterval(() => res.write(`: ${Date.now()}\n\n`), heartbeatMs);
    // a user disabled, demoted, re-righted or logged out elsewhere: the stream ends now, not at the next request
    const me = req.user?.id;
    const offRevoked = bus.on('user.revoked', ({ userId }) => {
      if (userId === me) res.end();
    });
    const offRights = bus.on('user.rights', ({ userIds }) => {
      if (me !== undefined && userIds.includes(me)) {
        send('reload', { reason: 'rights_changed' });
        res.end();
      }
    });
    req.on('close', () => {
      offRevoked();
      offRights();
      clearInterval(beat);
      offState();
      offChanged();
      offRemote();
      offAlarmRaised();
      offAlarmUpdated();
      offAlarmProgress();
    });
  });
  return r;
}
