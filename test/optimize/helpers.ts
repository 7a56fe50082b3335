import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { buildMlpModel } from '../../tools/samples/index.js';

/** A fresh model repository holding penguins 1 and 2 (copied from the shared sample models) and `mlp:1`. */
export function scratchRepository(mlpHidden: number[] = [256, 128]): string {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-optimize-'));
  for (const version of ['1', '2']) cpSync(join(inject('modelsDir'), 'penguins', version), join(dir, 'penguins', version), { recursive: true });
  const { onnx, manifest } = buildMlpModel({ name: 'mlp', version: '1', inputSize: 8, hidden: mlpHidden, outputSize: 4, seed: 11 });
  mkdirSync(join(dir, 'mlp', '1'), { recursive: true });
  writeFileSync(join(dir, 'mlp', '1', 'model.onnx'), onnx);
  writeFileSync(join(dir, 'mlp', '1', 'model.json'), JSON.stringify(manifest));
  return dir;
}
