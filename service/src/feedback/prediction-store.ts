/**
 * The predictions the service still remembers, by request id, so that a client who later learns the true
 * label can send it (`POST …/feedback`). Bounded in entries (the oldest goes first) and in time: an id
 * answers feedback for `ttlMs` after its prediction, is refused with "expired" up to twice that, and is
 * forgotten after. Memory is bounded by `capacity` (docs/model-quality.md, "Memory budget").
 */

/** Rows of one request whose predictions are held; feedback for a later row is refused as not held. */
export const MAX_ROWS_HELD = 32;

/** Features are held (for the feedback log, hence retraining) only for rows this narrow: a tabular row, not an image. */
export const MAX_FEATURES_HELD = 64;

/** The store's limits. */
export interface PredictionStoreOptions {
  /** Most request ids held at once (0 turns the store off). */
  capacity: number;
  /** How long after its prediction an id takes feedback. */
  ttlMs: number;
  /** The clock (ms since the epoch); tests pass their own. */
  now?: () => number;
  /** Called when ids leave the store before their time (capacity) or after it (age). */
  onEvict?: (reason: 'capacity' | 'expired', count: number) => void;
}

/** One held prediction. `predicted` is the class index of each held row; `labelled` a bit per row that got feedback. */
export interface HeldPrediction {
  readonly model: string;
  readonly version: string;
  readonly predicted: number | readonly number[];
  /** The held rows' features, row-major (`width` values per row), when the rows are narrow enough. */
  readonly features?: readonly number[];
  readonly width?: number;
  readonly at: number;
  labelled: number;
}

/** What a lookup found. */
export type Lookup =
  | { kind: 'held'; entry: HeldPrediction }
  | { kind: 'expired'; entry: HeldPrediction; ageMs: number }
  | { kind: 'unknown' };

/** A bounded, insertion-ordered map of request id → prediction. */
export class PredictionStore {
  readonly capacity: number;
  readonly ttlMs: number;
  private readonly entries = new Map<string, HeldPrediction>();
  private readonly now: () => number;

  constructor(private readonly options: PredictionStoreOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 0) throw new RangeError(`capacity (${options.capacity}) must be a whole number >= 0`);
    if (!(options.ttlMs > 0)) throw new RangeError(`ttlMs (${options.ttlMs}) must be above 0`);
    this.capacity = options.capacity;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  /** Ids held now (expired ones not yet dropped included). */
  get size(): number {
    return this.entries.size;
  }

  /** Remembers the predicted class indices of a request (the first `MAX_ROWS_HELD` rows); a reused id replaces the older one. */
  remember(id: string, model: string, version: string, classes: ArrayLike<number | bigint>, inputs?: { data: readonly number[] | ArrayLike<number>; width: number }): void {
    if (this.capacity === 0 || classes.length === 0) return;
    const at = this.now();
    this.sweep(at);
    const rows = Math.min(classes.length, MAX_ROWS_HELD);
    const predicted = rows === 1 ? Number(classes[0]) : Array.from({ length: rows }, (_, i) => Number(classes[i]));
    const entry: HeldPrediction = inputs && inputs.width <= MAX_FEATURES_HELD && inputs.data.length >= rows * inputs.width
      ? { model, version, predicted, features: inputs.data.length === rows * inputs.width ? inputs.data as readonly number[] : Array.from({ length: rows * inputs.width }, (_, i) => inputs.data[i]!), width: inputs.width, at, labelled: 0 }
      : { model, version, predicted, at, labelled: 0 };
    this.entries.delete(id);
    this.entries.set(flattened(id), entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.options.onEvict?.('capacity', 1);
    }
  }

  /** The prediction of `id`, if still held. */
  lookup(id: string): Lookup {
    const entry = this.entries.get(id);
    if (!entry) return { kind: 'unknown' };
    const ageMs = this.now() - entry.at;
    return ageMs > this.ttlMs ? { kind: 'expired', entry, ageMs } : { kind: 'held', entry };
  }

  /** Drops every id; called at shutdown. */
  clear(): void {
    this.entries.clear();
  }

  /** Forgets ids older than twice the TTL (until then they answer "expired"); insertion order is age order. */
  private sweep(at: number): void {
    let dropped = 0;
    for (const [id, entry] of this.entries) {
      if (at - entry.at <= 2 * this.ttlMs) break;
      this.entries.delete(id);
      dropped++;
    }
    if (dropped > 0) this.options.onEvict?.('expired', dropped);
  }
}

/** The held class index of `row`, or undefined when the request had fewer rows or the row was past `MAX_ROWS_HELD`. */
export function heldClass(entry: HeldPrediction, row: number): number | undefined {
  if (typeof entry.predicted === 'number') return row === 0 ? entry.predicted : undefined;
  return entry.predicted[row];
}

/** The number of rows held for an entry. */
export const heldRows = (entry: HeldPrediction): number => (typeof entry.predicted === 'number' ? 1 : entry.predicted.length);

/** The held features of `row`, if any. */
export function heldFeatures(entry: HeldPrediction, row: number): number[] | undefined {
  if (!entry.features || !entry.width) return undefined;
  return entry.features.slice(row * entry.width, (row + 1) * entry.width);
}

/**
 * The id as one flat string. V8 keeps a `randomUUID()` result (the id of every request that brought none) as a
 * rope of string pieces, about 500 heap bytes instead of about 90 (bench/feedback/prediction-store-memory.ts);
 * a string-to-number conversion flattens a string in place, which is the cheapest way to ask for it.
 */
function flattened(id: string): string {
  void Number(id);
  return id;
}
