import { useEffect, useState } from 'preact/hooks';

/** An answer of the console API, or why there is none. */
export type Loaded<T> = { kind: 'loading' } | { kind: 'ok'; data: T } | { kind: 'error'; status: number; message: string };

export async function getJson<T>(path: string): Promise<Loaded<T>> {
  try {
    const response = await fetch(path, { headers: { accept: 'application/json' } });
    const body = (await response.json()) as T & { error?: string };
    return response.ok ? { kind: 'ok', data: body } : { kind: 'error', status: response.status, message: body.error ?? response.statusText };
  } catch (error) {
    return { kind: 'error', status: 0, message: `the console cannot reach the platform (${(error as Error).message}); is it still running?` };
  }
}

export async function postJson<T>(path: string, body: unknown): Promise<Loaded<T>> {
  try {
    const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
    const answer = (await response.json()) as T & { error?: string };
    return response.ok ? { kind: 'ok', data: answer } : { kind: 'error', status: response.status, message: answer.error ?? response.statusText };
  } catch (error) {
    return { kind: 'error', status: 0, message: (error as Error).message };
  }
}

type Listener = () => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let connected = false;
const connectionListeners = new Set<(up: boolean) => void>();

/** One event stream for the page: every `change` makes the live views fetch again. */
function ensureStream(): void {
  if (source) return;
  source = new EventSource('api/events');
  source.addEventListener('change', () => listeners.forEach((l) => l()));
  source.addEventListener('hello', () => listeners.forEach((l) => l()));
  source.onopen = () => setConnected(true);
  source.onerror = () => setConnected(false);
}

function setConnected(up: boolean): void {
  if (up === connected) return;
  connected = up;
  connectionListeners.forEach((l) => l(up));
}

/** Whether the live stream is connected (the header shows it). */
export function useConnected(): boolean {
  const [up, setUp] = useState(connected);
  useEffect(() => {
    ensureStream();
    connectionListeners.add(setUp);
    return () => void connectionListeners.delete(setUp);
  }, []);
  return up;
}

/** Fetches `path` now and again whenever the platform's files change (no page reload). */
export function useLive<T>(path: string): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ kind: 'loading' });
  useEffect(() => {
    let alive = true;
    let inFlight = false;
    let again = false;
    const load = async (): Promise<void> => {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      const next = await getJson<T>(path);
      inFlight = false;
      if (alive) setLoaded(next);
      if (again && alive) {
        again = false;
        void load();
      }
    };
    ensureStream();
    void load();
    listeners.add(load);
    return () => {
      alive = false;
      listeners.delete(load);
    };
  }, [path]);
  return loaded;
}
