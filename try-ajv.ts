import { expectSchema } from './test/service/openapi.js';
expectSchema('inference_response', { model_name: 'a', outputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] });
try { expectSchema('inference_response', { model_name: 'a', model_version: 2, outputs: [] }); } catch (e) { console.log('caught', (e as Error).message); }
