/**
 * `npm run bench -- [flags]`: the benchmark's flags, with the full run's defaults and `--quick` for a short
 * development run. Validated here, with messages naming the flag and the value.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

/** Scenario keys for `--scenarios`. */
const SCENARIO_KEYS = ['ceiling', 'plumbing', 'service', 'peer', 'heavy', 'health', 'soak'] as const;
export type ScenarioKey = (typeof SCENARIO_KEYS)[number];

export interface BenchOptions {
  quick: boolean;
  scenarios: Set<ScenarioKey>;
  /** Measured seconds per throughput scenario (split over the rounds) and per health-under-load run. */
  durationS: number;
  rounds: number;
  warmupS: number;
  connections: number;
  soakS: number;
  soakRate: number;
  soakConnections: number;
  /** uvicorn worker counts, one peer server each (default: one per core, and 1 as most tutorials run it). */
  peerWorkers: number[];
  /** uvicorn's access log (its default) stays on unless this is false. */
  peerAccessLog: boolean;
  heavyHidden: number[];
  /** Extra flags for every `keelson serve`, e.g. `--workers 1`. */
  serveFlags: string[];
  wrkThreads: number;
  outDir: string;
}

export const USAGE = `npm run bench -- [--quick] [--scenarios ${SCENARIO_KEYS.join(',')}] [--duration S] [--rounds N] [--warmup S]
  [--connections N] [--soak S] [--soak-rate RPS] [--soak-connections N] [--peer-workers N,M] [--no-peer-access-log]
  [--heavy-hidden 1024,1024] [--serve-flags "--workers 2"] [--wrk-threads N] [--out DIR]`;

function positive(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

/** Parses the command line (without `node script`). */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      scenarios: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      soak: { type: 'string' },
      'soak-rate': { type: 'string' },
      'soak-connections': { type: 'string' },
      'peer-workers': { type: 'string' },
      'no-peer-access-log': { type: 'boolean', default: false },
      'heavy-hidden': { type: 'string' },
      'serve-flags': { type: 'string' },
      'wrk-threads': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const quick = values.quick === true;
  const scenarios = new Set<ScenarioKey>();
  for (const key of (values.scenarios ?? SCENARIO_KEYS.join(',')).split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(SCENARIO_KEYS as readonly string[]).includes(key)) throw new Error(`--scenarios: unknown scenario ${JSON.stringify(key)}; expected some of ${SCENARIO_KEYS.join(', ')}`);
    scenarios.add(key as ScenarioKey);
  }
  const heavyHidden = (values['heavy-hidden'] ?? '1024,1024').split(',').map((s) => positive('heavy-hidden', s, 0));
  return {
    quick,
    scenarios,
    durationS: positive('duration', values.duration, quick ? 5 : 30),
    rounds: Math.round(positive('rounds', values.rounds, quick ? 1 : 3)),
    warmupS: positive('warmup', values.warmup, quick ? 2 : 5),
    connections: Math.round(positive('connections', values.connections, 64)),
    soakS: positive('soak', values.soak, quick ? 20 : 300),
    soakRate: positive('soak-rate', values['soak-rate'], 500),
    soakConnections: Math.round(positive('soak-connections', values['soak-connections'], 32)),
    peerWorkers: [...new Set((values['peer-workers'] ?? `${availableParallelism()},1`).split(',').map((s) => Math.round(positive('peer-workers', s, 0))))],
    peerAccessLog: values['no-peer-access-log'] !== true,
    heavyHidden,
    serveFlags: (values['serve-flags'] ?? '').split(/\s+/).filter(Boolean),
    wrkThreads: Math.round(positive('wrk-threads', values['wrk-threads'], 1)),
    // quick runs are for development: keep them out of the committed results
    outDir: values.out ?? (quick ? '.keelson/bench/results' : 'bench/results'),
  };
}
