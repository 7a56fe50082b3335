/** How often the files behind the pages are checked for changes. */
const CHECK_MS = 400;
/** A heartbeat even when nothing changed, so pages that show live metrics (quality) refresh too. */
const TICK_MS = 5_000;

/**
 * One shared watcher of the console's files for every open event stream: it checks a fingerprint (mtimes) while
 * anyone listens and tells them its version when it changes, or every few seconds anyway.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(version: string) => void>();
  private timer: NodeJS.Timeout | null = null;
  private last = '';
  private counter = 0;
  private lastSent = 0;

  constructor(
    private readonly fingerprint: () => string,
    stopping?: AbortSignal,
  ) {
    stopping?.addEventListener('abort', () => this.listeners.clear(), { once: true });
  }

  version(): string {
    return String(this.counter);
  }

  subscribe(listener: (version: string) => void): () => void {
    this.listeners.add(listener);
    this.timer ??= setInterval(() => this.check(), CHECK_MS).unref();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  private check(): void {
    const now = Date.now();
    const print = this.fingerprint();
    if (print === this.last && now - this.lastSent < TICK_MS) return;
    this.last = print;
    this.lastSent = now;
    this.counter += 1;
    for (const listener of this.listeners) listener(String(this.counter));
  }
}
