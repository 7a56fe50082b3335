import { z } from 'zod';
import { createJudge } from './judge.js';
import type { JudgePolicy } from './policy.js';
import type { Snapshot } from './types.js';

/** Recorded snapshots of one canary analysis, replayed through the judge as if live. */
export interface Scenario {
  name: string;
  snapshots: Snapshot[];
}

/** What replaying one scenario gave: the first decision (or inconclusive) and why. */
export interface ReplayResult {
  name: string;
  decision: 'promote' | 'rollback' | 'inconclusive';
  decidedAt: number | null;
  reasons: string[];
}

const count = z.number().min(0);
const armSchema = z
  .object({
    requests: count,
    errors: count,
    latency: z.object({ buckets: z.array(z.number().positive()), counts: z.array(count), count }),
    predictions: z.record(z.string(), count).default({}),
    feedback: z.object({ correct: count, incorrect: count }).optional(),
  })
  .nullable();
const scenarioSchema = z.object({
  name: z.string().min(1),
  snapshots: z.array(z.object({ t: z.number(), baseline: armSchema, canary: armSchema, missing: z.object({ baseline: z.string().optional(), canary: z.string().optional() }).optional() })),
});

/** A scenario file that cannot be used: names the file, line and field. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

function validate(value: unknown, where: string): Scenario {
  const result = scenarioSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.') || 'the scenario';
    return `'${path}': ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  throw new ScenarioError(`${where}: not a scenario ({"name", "snapshots": [{"t", "baseline", "canary"}…]}): ${problems.join('; ')}`);
}

/**
 * Reads scenarios from a file's text: one JSON scenario, a JSON array of them, or JSONL (one per line, blank lines
 * skipped). `file` only labels error messages.
 */
export function parseScenarios(text: string, file: string): Scenario[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const whole: unknown = JSON.parse(trimmed);
    return Array.isArray(whole) ? whole.map((s, i) => validate(s, `${file}[${i}]`)) : [validate(whole, file)];
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
  }
  const scenarios: Scenario[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new ScenarioError(`${file}:${i + 1}: not valid JSON (${(error as Error).message})`);
    }
    scenarios.push(validate(value, `${file}:${i + 1}`));
  });
  return scenarios;
}

/**
 * Walks the snapshots in order, as the judge would have seen them live: the first rollback or promote decides;
 * if the data end first the result is inconclusive. With `final`, the last snapshot is the end of the analysis window.
 */
export function replayScenario(policy: JudgePolicy, scenario: Scenario, opts: { final?: boolean } = {}): ReplayResult {
  const judge = createJudge(policy);
  let reasons: string[] = [];
  for (let i = 0; i < scenario.snapshots.length; i++) {
    const snapshot = scenario.snapshots[i]!;
    const verdict = judge.evaluate(snapshot, { final: opts.final === true && i === scenario.snapshots.length - 1 });
    reasons = verdict.reasons;
    if (verdict.decision !== 'continue') return { name: scenario.name, decision: verdict.decision, decidedAt: snapshot.t, reasons };
  }
  return { name: scenario.name, decision: 'inconclusive', decidedAt: null, reasons };
}
