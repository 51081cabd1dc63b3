/**
 * The end of the process. SIGINT/SIGTERM: stop accepting requests, then run the stop steps in order (each awaited;
 * one that fails is logged and the next runs), exit 0; forced exit 1 after 10 s. An uncaught exception is the last
 * resort only (every write path handles its own failure): one from a full disk is logged and reported on the bus
 * (`storage.write_failed`, so retention frees space now) and the process goes on; any other ends it.
 */
import type { Server } from 'node:http';
import type { EventBus } from '../events/bus.ts';
import { isDiskFull } from '../retention/space.ts';
import { createLogger } from '../util/log.ts';

const log = createLogger('main');

export function installShutdown(server: Server, bus: EventBus, steps: (() => unknown)[]): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close();
    server.closeAllConnections();
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        log.warn('shutdown step failed', { err });
      }
    }
    process.exit(0);
  };
  process.on('uncaughtException', (err) => {
    if (isDiskFull(err)) {
      log.error('write failed on a full disk (uncaught); continuing', { err });
      bus.emit('storage.write_failed', { what: 'uncaught', code: (err as NodeJS.ErrnoException).code ?? null, atMs: Date.now() });
      return;
    }
    log.error('uncaught exception', { err });
    process.exit(1);
  });
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
