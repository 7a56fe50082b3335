import type { HttpTimeouts } from './http-timeouts.js';

/** What the serving thread tells the probe thread, and asks of it. */
export type ToProbeThread =
  /** Start listening on host:port; `beat` is the serving thread's heartbeat (ms since epoch, BigInt64). */
  | { kind: 'start'; host: string; port: number; beat: SharedArrayBuffer; stallMs: number; httpTimeouts: HttpTimeouts }
  /** The current readiness answer (status and JSON body), sent whenever it changes. */
  | { kind: 'readiness'; status: number; body: string }
  /** The metrics exposition a scrape asked for. */
  | { kind: 'metrics'; id: number; contentType: string; body: string }
  | { kind: 'stop' };

/** What the probe thread tells the serving thread. */
export type FromProbeThread =
  | { kind: 'listening'; url: string }
  | { kind: 'failed'; message: string }
  | { kind: 'metrics'; id: number }
  | { kind: 'stopped' };
