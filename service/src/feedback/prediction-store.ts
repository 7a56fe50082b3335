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
  /** Insertion number: tells the entry's own slot in the age queue from one an id reused later left behind. */
  readonly seq?: number;
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

/**
 * A bounded map of request id → prediction, with its own age queue. The oldest is never found by iterating the Map
 * from its start: V8 leaves a deleted Map entry as a hole until the next rehash, and every iteration from the start
 * steps over all of them, so evicting the oldest on each insert cost time proportional to the holes (throughput fell
 * from 20,000 to 4,000 requests/s as a 100,000-entry store filled).
 */
export class PredictionStore {
  readonly capacity: number;
  readonly ttlMs: number;
  private readonly entries = new Map<string, HeldPrediction>();
  /** Ids in insertion order from `head`, with the insertion number each had then (a reused id leaves a stale slot). */
  private ids: string[] = [];
  private seqs: number[] = [];
  private head = 0;
  private seq = 0;
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
    const seq = ++this.seq;
    const entry: HeldPrediction = inputs && inputs.width <= MAX_FEATURES_HELD && inputs.data.length >= rows * inputs.width
      ? { seq, model, version, predicted, features: inputs.data.length === rows * inputs.width ? inputs.data as readonly number[] : Array.from({ length: rows * inputs.width }, (_, i) => inputs.data[i]!), width: inputs.width, at, labelled: 0 }
      : { seq, model, version, predicted, at, labelled: 0 };
    const key = flattened(id);
    this.entries.set(key, entry);
    this.ids.push(key);
    this.seqs.push(seq);
    while (this.entries.size > this.capacity) {
      const oldest = this.oldest();
      if (!oldest) break;
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
    this.ids = [];
    this.seqs = [];
    this.head = 0;
  }

  /** Forgets ids older than twice the TTL (until then they answer "expired"); the queue is in age order. */
  private sweep(at: number): void {
    let dropped = 0;
    for (;;) {
      const id = this.live();
      if (id === undefined || at - this.entries.get(id)!.at <= 2 * this.ttlMs) break;
      this.shift();
      this.entries.delete(id);
      dropped++;
    }
    if (dropped > 0) this.options.onEvict?.('expired', dropped);
  }

  /** Removes and returns the oldest held id. */
  private oldest(): string | undefined {
    const id = this.live();
    if (id !== undefined) this.shift();
    return id;
  }

  /** The id at the head of the queue that is still held under that insertion, skipping stale slots. */
  private live(): string | undefined {
    while (this.head < this.ids.length) {
      const id = this.ids[this.head]!;
      if (this.entries.get(id)?.seq === this.seqs[this.head]) return id;
      this.shift();
    }
    return undefined;
  }

  private shift(): void {
    this.head++;
    // Compact once the consumed front is both large and most of the array (amortised O(1) per insert).
    if (this.head > 1024 && this.head * 2 > this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
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
