import { createHash } from 'node:crypto';
import type { TensorData, TensorMap } from '../protocol/tensor.js';

/** Bookkeeping cost of an entry beyond its tensor bytes (key, maps, objects); keeps tiny entries honest. */
const ENTRY_OVERHEAD_BYTES = 256;

/**
 * LRU of model outputs, bounded in bytes. The key holds the model, the version and a sha256 of the
 * canonical input bytes (name, datatype, shape and little-endian data of each input in model order), so
 * entries are never shared across versions.
 */
export class PredictionCache {
  private readonly entries = new Map<string, { outputs: TensorMap; bytes: number }>();
  private used = 0;

  constructor(readonly capacityBytes: number) {}

  /** The cache key of a request. */
  static key(model: string, version: string, inputs: TensorMap): string {
    const hash = createHash('sha256');
    for (const [name, tensor] of Object.entries(inputs)) {
      hash.update(`${name}\0${tensor.datatype}\0${tensor.shape.join(',')}\0`);
      hash.update(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    }
    return `${model}\0${version}\0${hash.digest('hex')}`;
  }

  /** Cached outputs (now the most recently used), or undefined. */
  get(key: string): TensorMap | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.outputs;
  }

  /** Stores a copy of `outputs`, evicting least recently used entries to stay within the capacity. */
  set(key: string, outputs: TensorMap): void {
    const copy: TensorMap = {};
    let bytes = ENTRY_OVERHEAD_BYTES + key.length;
    for (const [name, tensor] of Object.entries(outputs)) {
      copy[name] = { datatype: tensor.datatype, shape: [...tensor.shape], data: tensor.data.slice() as TensorData };
      bytes += tensor.data.byteLength;
    }
    if (bytes > this.capacityBytes) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.used -= previous.bytes;
      this.entries.delete(key);
    }
    while (this.used + bytes > this.capacityBytes) {
      const [oldestKey, oldest] = this.entries.entries().next().value!;
      this.entries.delete(oldestKey);
      this.used -= oldest.bytes;
    }
    this.entries.set(key, { outputs: copy, bytes });
    this.used += bytes;
  }

  /** Bytes currently accounted for. */
  get usedBytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }
}
