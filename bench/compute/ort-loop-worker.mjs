// Worker threads do not inherit tsx on Node 20: register it, then load the TypeScript body (as the service's workers do).
import { register } from 'tsx/esm/api';

register();
await import('./ort-loop.ts');
