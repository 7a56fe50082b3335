// Worker threads do not inherit the main thread's tsx loader on Node 20: register it here, then load the
// TypeScript body (as inference-worker.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./probe-thread.ts');
