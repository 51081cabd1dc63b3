import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_CSP } from './csrf.ts';

/**
 * The built console (web/dist). Client-side routes (/wall, /camera/x, …) get index.html.
 * The files hold no monitoring content, so they are served without a session (the login page).
 */
export function consoleRouter(distDir: string): Router {
  const r = Router();
  const index = join(distDir, 'index.html');
  r.use(
    '/assets',
    express.static(join(distDir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }),
  );
  r.use(express.static(distDir, { index: false, maxAge: 0 }));
  r.get(/^\/(?!api\/|hls\/).*/, (_req, res) => {
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The web console is not built. Run: npm run build:web (npm install does it for you).');
      return;
    }
    res.set({ 'Cache-Control': 'no-cache', 'Content-Security-Policy': CONSOLE_CSP }).sendFile(index);
  });
  return r;
}
