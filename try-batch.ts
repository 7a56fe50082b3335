import { readFileSync } from 'node:fs';
import { createOnnxSession } from './service/src/runtime/onnx-session.js';
for (const v of ['1', '2', '3']) {
  const s = await createOnnxSession(readFileSync(`/tmp/m/penguins/${v}/model.onnx`), { intraOpNumThreads: 1 });
  const n = 64; const x = new Float32Array(n * 4);
  for (let i = 0; i < x.length; i++) x[i] = [30 + Math.random() * 30, 13 + Math.random() * 8, 170 + Math.random() * 60, 2700 + Math.random() * 3500][i % 4]!;
  const all = await s.run({ features: { datatype: 'FP32', shape: [n, 4], data: x } });
  let diff = 0;
  for (let r = 0; r < n; r++) {
    const one = await s.run({ features: { datatype: 'FP32', shape: [1, 4], data: x.slice(r * 4, r * 4 + 4) } });
    for (let k = 0; k < 3; k++) if (one.probabilities!.data[k] !== all.probabilities!.data[r * 3 + k]) diff++;
  }
  // also partial batches
  const half = await s.run({ features: { datatype: 'FP32', shape: [7, 4], data: x.slice(0, 28) } });
  for (let k = 0; k < 21; k++) if (half.probabilities!.data[k] !== all.probabilities!.data[k]) diff++;
  console.log(v, 'differences', diff, s.signature);
}
