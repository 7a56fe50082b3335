import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createFeedbackLog, type FeedbackRecord } from '../../service/src/feedback/feedback-log.js';
import { loadPenguins, PENGUIN_LABELS } from '../../tools/penguins.js';
import { createRandom } from '../../tools/random.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'keelson.mjs');

/** A fresh directory holding `models/penguins/{2,4}` copied from the shared sample models (no corrupt version 6). */
export function scratch(): { root: string; models: string } {
  const root = mkdtempSync(join(tmpdir(), 'keelson-retrain-'));
  const models = join(root, 'models');
  for (const version of ['2', '4']) cpSync(join(inject('modelsDir'), 'penguins', version), join(models, 'penguins', version), { recursive: true });
  return { root, models };
}

/**
 * Writes `count` labelled penguins:2 predictions with the service's own log writer: real penguin rows drawn at
 * random (features as the service holds them, float32), truth = the true species moved `labelShift` classes on.
 */
export function writeFeedbackLog(dir: string, count: number, labelShift = 0): void {
  const penguins = loadPenguins();
  const random = createRandom(17);
  const records: FeedbackRecord[] = Array.from({ length: count }, (_, i) => {
    const penguin = penguins[Math.floor(random.next() * penguins.length)]!;
    const truth = PENGUIN_LABELS[(penguin.label + labelShift) % PENGUIN_LABELS.length]!;
    const predicted = PENGUIN_LABELS[penguin.label]!;
    return {
      time: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      model: 'penguins',
      version: '2',
      request_id: `req-${i}`,
      row: 0,
      features: Array.from(Float32Array.from(penguin.features)),
      predicted,
      truth,
      outcome: predicted === truth ? 'correct' : 'incorrect',
    };
  });
  createFeedbackLog({ dir }).write(records);
}

/** Runs the real CLI. */
export function keelson(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
