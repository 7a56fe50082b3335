import { createOnnxSession } from '../service/src/runtime/onnx-session.js';
import type { Dataset } from '../tools/samples/penguin-models.js';

/** The tensors a classifier is run by: its input and its predicted-class output. */
export interface ClassifierIo {
  input: string;
  labelOutput: string;
}

/**
 * Accuracy of a model file on labelled rows, run through onnxruntime-node as the service runs it (the
 * manifest's first input and label output), so live and candidate are measured the same way.
 */
export async function onnxAccuracy(bytes: Uint8Array, io: ClassifierIo, data: Dataset): Promise<number> {
  if (data.rows.length === 0) return 0;
  const session = await createOnnxSession(bytes, { intraOpNumThreads: 1 });
  try {
    const width = data.rows[0]!.length;
    const input = { datatype: 'FP32' as const, shape: [data.rows.length, width], data: Float32Array.from(data.rows.flat()) };
    const outputs = await session.run({ [io.input]: input });
    const labels = outputs[io.labelOutput];
    if (!labels) throw new Error(`the model has no output ${JSON.stringify(io.labelOutput)}`);
    const predicted = Array.from(labels.data as ArrayLike<number | bigint>, Number);
    return predicted.filter((p, i) => p === data.labels[i]).length / data.rows.length;
  } finally {
    await session.release();
  }
}
