import { readFileSync } from 'node:fs';
import { createOnnxSession } from './service/src/runtime/onnx-session.js';
const s = await createOnnxSession(readFileSync('.keelson/test-models/penguins/3/model.onnx'), { intraOpNumThreads: 1 });
const x = { features: { datatype: 'FP32' as const, shape: [1, 4], data: Float32Array.from([40, 18, 190, 4000]) } };
for (let i = 0; i < 3; i++) await s.run(x);
const t = performance.now(); for (let i = 0; i < 20; i++) await s.run(x); console.log('v3 ms/run', (performance.now() - t) / 20);
const x64 = { features: { datatype: 'FP32' as const, shape: [64, 4], data: new Float32Array(256).fill(1) } };
const t2 = performance.now(); for (let i = 0; i < 5; i++) await s.run(x64); console.log('v3 ms/run 64 rows', (performance.now() - t2) / 5);
