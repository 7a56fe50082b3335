import { buildMlpOnnx } from './service/src/samples/index.js';
import { createOnnxSession } from './service/src/runtime/onnx-session.js';
for (const intra of [1, 2]) {
const s = await createOnnxSession(buildMlpOnnx({ inputSize: 4, hidden: [1024, 1024], outputSize: 3, seed: 1 }), { intraOpNumThreads: intra });
const n = 64; const x = Float32Array.from({ length: n * 4 }, () => Math.random() * 4 - 2);
const all = await s.run({ features: { datatype: 'FP32', shape: [n, 4], data: x } });
let diff = 0;
for (let r = 0; r < n; r++) {
  const one = await s.run({ features: { datatype: 'FP32', shape: [1, 4], data: x.slice(r * 4, r * 4 + 4) } });
  for (let k = 0; k < 3; k++) if (one.probabilities!.data[k] !== all.probabilities!.data[r * 3 + k]) diff++;
}
for (const m of [2, 3, 5, 17]) {
  const part = await s.run({ features: { datatype: 'FP32', shape: [m, 4], data: x.slice(0, m * 4) } });
  for (let k = 0; k < m * 3; k++) if (part.probabilities!.data[k] !== all.probabilities!.data[k]) diff++;
}
console.log('intra', intra, 'differences', diff);
}
