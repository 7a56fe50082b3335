import { pino } from 'pino';

/** A pino destination that writes the lines of one event-loop turn together. */
export interface BatchedDestination {
  write(line: string): void;
  /** Writes whatever is pending now (synchronously), then calls `callback`. */
  flush(callback?: (error?: Error) => void): void;
}

const unwritten = new Set<() => void>();
let exitHooked = false;

/**
 * Log lines go out once per event-loop turn (`setImmediate`) in one synchronous write, instead of one
 * blocking write(2) per line: under load dozens of access-log lines share a syscall, at idle a line still
 * appears within a turn. Writes stay synchronous and in order, so nothing can be lost or reordered by an
 * asynchronous write still in flight at exit; the process 'exit' hook writes what is left.
 */
export function batchedDestination(fd = 1): BatchedDestination {
  const sink = pino.destination({ dest: fd, sync: true }); // sonic-boom: retries EAGAIN on non-blocking pipes
  let pending = '';
  let scheduled = false;
  const writePending = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    sink.write(text);
  };
  unwritten.add(writePending);
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const write of unwritten) write();
    });
  }
  return {
    write(line) {
      pending += line;
      if (!scheduled) {
        scheduled = true;
        setImmediate(writePending);
      }
    },
    flush(callback) {
      try {
        writePending();
        callback?.();
      } catch (error) {
        callback?.(error as Error);
      }
    },
  };
}
