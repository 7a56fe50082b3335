// Worker threads do not inherit the main thread's tsx loader on Node 20: register it here, then load the
// TypeScript body. Works the same under `bin/keelson.mjs`, vitest and plain `node`.
import { register } from 'tsx/esm/api';

register();
await import('./inference-worker.ts');
