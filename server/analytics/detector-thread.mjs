// Bootstrap of the detector worker thread. Node 20 cannot load a .ts file as a Worker entry, and tsx's
// loader (inherited --import under `tsx`, absent under vitest) registers its hooks only on the main
// thread: register tsx's ESM loader for this thread, then import the TypeScript worker module.
import { register } from 'tsx/esm/api';

register();
await import('./detector-thread.ts');
