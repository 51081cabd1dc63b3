import express, { type Express } from 'express';
import type { CameraService } from '../cameras/service.ts';
import type { EventBus } from '../events/bus.ts';
import type { FailureLimiter } from '../auth/rate-limit.ts';
import type { SessionRepo } from '../store/sessions.ts';
import type { UserRepo } from '../store/users.ts';
import { requireSession } from './auth.ts';
import { apiNotFound, errorHandler } from './errors.ts';
import { camerasRouter } from './routes/cameras.ts';
import { eventsRouter } from './routes/events.ts';
import { healthRouter } from './routes/health.ts';
import { hlsRouter } from './routes/hls.ts';
import { sessionRouter } from './routes/session.ts';
import { consoleRouter } from './static.ts';

export interface AppDeps {
  version: string;
  cameras: CameraService;
  bus: EventBus;
  users: UserRepo;
  sessions: SessionRepo;
  limiter: FailureLimiter;
  sessionTtlMs: number;
  liveDir: (cameraId: string) => string;
  webDist: string;
}

/** The HTTP surface. One router per resource; everything but health and login needs a session. */
export function createApp(d: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'same-origin');
    res.set('X-Frame-Options', 'SAMEORIGIN');
    next();
  });

  const json = express.json({ limit: '256kb' });
  app.use('/api/health', healthRouter(d.cameras, d.version));
  app.use('/api/session', json, sessionRouter({ ...d, ttlMs: d.sessionTtlMs }));

  const auth = requireSession(d.sessions);
  app.use('/api', auth);
  app.use('/api/cameras', json, camerasRouter(d.cameras));
  app.use('/api/events', eventsRouter(d.cameras, d.bus));
  app.use('/api', apiNotFound);

  app.use('/hls', auth, hlsRouter(d.cameras, d.liveDir));
  app.use(consoleRouter(d.webDist));
  app.use(errorHandler);
  return app;
}
