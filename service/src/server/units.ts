import { parseDuration as parseAnyDuration } from '../../../contract/duration.js';
import { ConfigError } from '../errors.js';

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** Parses a byte size: `4194304`, `4MiB`, `512KiB`, `1GB`. */
export function parseBytes(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? BYTE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new ConfigError(`${flag} ${JSON.stringify(text)}: expected a size like 4194304, 4MiB or 512KiB`);
  return Math.floor(Number(match[1]) * unit);
}

/** Parses a flag's duration in milliseconds: `500ms`, `10s`, `1m30s`, or a bare number of milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const ms = parseAnyDuration(text, 'milliseconds');
  if (ms === undefined) throw new ConfigError(`${flag} ${JSON.stringify(text)}: expected a duration like 500ms, 10s or 2m (a bare number is milliseconds)`);
  return ms;
}

/** Parses an integer of at least `min`. */
export function parseInteger(text: string, flag: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || value < min || value > max) {
    throw new ConfigError(`${flag} ${JSON.stringify(text)}: expected an integer between ${min} and ${max}`);
  }
  return value;
}

/**
 * Thread sizing: workers × intra-op threads must fit the cores, or the workers fight over them. With `httpWorkers`
 * serving processes, each process gets its share of the cores.
 */
export function threadPlan(cores: number, workers?: number, intraOpThreads?: number, httpWorkers = 1): { workers: number; intraOpThreads: number } {
  const intra = intraOpThreads ?? 1;
  const share = Math.max(1, Math.floor(cores / httpWorkers));
  const count = workers ?? Math.max(1, Math.floor(share / intra));
  if (count * intra > share) {
    const available = httpWorkers > 1 ? `${share} cores of each HTTP worker (${cores} cores ÷ --http-workers ${httpWorkers})` : `${cores} available cores`;
    throw new ConfigError(`--workers ${count} × --intra-op-threads ${intra} = ${count * intra} threads exceeds the ${available}; lower one of them`);
  }
  return { workers: count, intraOpThreads: intra };
}
