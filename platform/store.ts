import { readState, withHistory, writeState, type HistoryEntry, type PlatformState } from './state.js';

/** The platform's in-memory state, persisted to state.json on every change; the single writer of that file. */
export class StateStore {
  private current: PlatformState;
  private readonly listeners: Array<(state: PlatformState) => void> = [];
  private readonly recordListeners: Array<(entry: HistoryEntry) => void> = [];

  constructor(
    private readonly file: string,
    initial: PlatformState,
  ) {
    this.current = initial;
    writeState(file, initial);
  }

  get(): PlatformState {
    return this.current;
  }

  /** Applies a change, writes the file, notifies listeners (the router). Synchronous: changes never interleave. */
  update(change: (state: PlatformState) => PlatformState): PlatformState {
    this.current = change(this.current);
    writeState(this.file, this.current);
    for (const listener of this.listeners) listener(this.current);
    return this.current;
  }

  /** Records an event in the history (and state.json). */
  record(kind: string, message: string, rolloutId?: string): void {
    const entry: HistoryEntry = { at: new Date().toISOString(), kind, message, ...(rolloutId ? { rolloutId } : {}) };
    this.update((s) => withHistory(s, entry));
    for (const listener of this.recordListeners) listener(entry);
  }

  onRecord(listener: (entry: HistoryEntry) => void): void {
    this.recordListeners.push(listener);
  }

  onChange(listener: (state: PlatformState) => void): void {
    this.listeners.push(listener);
  }

  /** The state left by an earlier platform run in the same directory, if any. */
  static previous(file: string): PlatformState | null {
    try {
      return readState(file);
    } catch {
      return null;
    }
  }
}
