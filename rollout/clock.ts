import { setTimeout as sleep } from 'node:timers/promises';

/** Time as the rollout sees it; passed in, so the controller runs under a fake clock in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => sleep(ms),
};
