import { randomBytes } from 'node:crypto';

/** A rollout id people can read and sort: `penguins-2-20250101-120000-a1b2`. */
export function newRolloutId(model: string, version: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${model}-${version}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Parses `name:version` (the `--model` flag). */
export function parseModelRef(ref: string): { model: string; version: string } | null {
  const match = /^([A-Za-z0-9][A-Za-z0-9_.-]*):([A-Za-z0-9][A-Za-z0-9_.-]*)$/.exec(ref);
  return match ? { model: match[1]!, version: match[2]! } : null;
}
