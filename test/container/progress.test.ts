import { describe, expect, it } from 'vitest';
import { chooseMode, createReporter, formatDuration, runStep, type StepEvent } from '../../steps/index.js';

function capture(isTTY = false, columns?: number) {
  const chunks: string[] = [];
  return { isTTY, columns, chunks, write: (chunk: string) => chunks.push(chunk), text: () => chunks.join('') };
}

/** A judge's reason the length of a real one: the end of it says what happened. */
const longReason =
  'look 14, weights 25/25/50: continue: canary p50 latency +3% vs baseline (95% bounds -4%..+11%) after 512 requests: ' +
  'not yet shown within the +10% tolerance; canary error rate 0% vs baseline 0% after 512 requests: within tolerance; ' +
  'class mix TV 0.012 after 498 predictions: within the 0.05 tolerance';

describe('progress mode', () => {
  it('spins only on a terminal outside CI; KEELSON_PROGRESS overrides', () => {
    expect(chooseMode({}, true)).toBe('tty');
    expect(chooseMode({}, false)).toBe('plain');
    expect(chooseMode({ CI: 'true' }, true)).toBe('plain');
    expect(chooseMode({ KEELSON_PROGRESS: 'json', CI: 'true' }, true)).toBe('json');
    expect(chooseMode({ KEELSON_PROGRESS: 'nonsense' }, true)).toBe('tty');
  });

  it('formats durations for people', () => {
    expect([formatDuration(850), formatDuration(12_340), formatDuration(245_000)]).toEqual(['850ms', '12.3s', '4m05s']);
  });
});

describe('plain reporter (CI logs)', () => {
  it('writes one line per event, no cursor control', async () => {
    const stream = capture();
    const reporter = createReporter({ stream, mode: 'plain' });
    let clock = 0;
    await runStep(reporter, 'build image', async (progress) => {
      progress('STEP 1/9: FROM base');
      clock += 2500;
      return 'sha256:abc';
    }, { now: () => clock, summary: (digest) => digest });
    reporter.emit({ kind: 'note', level: 'warn', message: 'image is big' });
    expect(stream.text()).toBe(
      '▶ build image\n  build image: STEP 1/9: FROM base\n✔ build image: sha256:abc (2.5s)\n⚠ image is big\n',
    );
    expect(stream.text()).not.toContain('\x1b');
  });

  it('never cuts a detail off, however long: a CI log shows the whole reason on one line', async () => {
    const stream = capture();
    const reporter = createReporter({ stream, mode: 'plain' });
    reporter.emit({ kind: 'progress', step: 'rollout penguins:2', detail: longReason });
    reporter.emit({ kind: 'progress', step: 'rollout penguins:2', detail: 'first line\n  second line' });
    expect(stream.text()).toBe(`  rollout penguins:2: ${longReason}\n  rollout penguins:2: first line second line\n`);
    expect(stream.text()).not.toContain('…');
  });

  it('reports a failure with its message and rethrows it for the caller to map', async () => {
    const stream = capture();
    const reporter = createReporter({ stream, mode: 'plain' });
    await expect(
      runStep(reporter, 'push', async () => {
        throw new Error('registry refused\nsecond line');
      }, { now: () => 0 }),
    ).rejects.toThrow('registry refused');
    expect(stream.text()).toBe('▶ push\n✖ push failed after 0ms: registry refused\n');
  });
});

describe('json reporter', () => {
  it('writes the structured events keyed on kind', async () => {
    const stream = capture();
    const reporter = createReporter({ stream, mode: 'json' });
    await runStep(reporter, 'smoke', async () => undefined, { now: () => 5 });
    const events = stream.text().trim().split('\n').map((l) => JSON.parse(l) as StepEvent);
    expect(events).toEqual([{ kind: 'start', step: 'smoke' }, { kind: 'done', step: 'smoke', ms: 0 }]);
  });
});

describe('terminal reporter (spinner)', () => {
  it('animates the running step on one line and leaves permanent lines for outcomes', async () => {
    const stream = capture(true);
    let clock = 0;
    const reporter = createReporter({ stream, mode: 'tty', now: () => clock, frameMs: 5 });
    reporter.emit({ kind: 'start', step: 'wait for ready' });
    reporter.emit({ kind: 'progress', step: 'wait for ready', detail: 'status 503' });
    await new Promise((r) => setTimeout(r, 40)); // let a few frames draw
    clock = 1500;
    reporter.emit({ kind: 'done', step: 'wait for ready', ms: 1500 });
    reporter.close();
    const text = stream.text();
    expect(text).toContain('\r\x1b[2K');
    expect(text).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] wait for ready · status 503 \(0ms\)/);
    expect(stream.chunks.filter((c) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] wait for ready/.test(c)).length).toBeGreaterThan(2);
    expect(text.endsWith('✔ wait for ready (1.5s)\n')).toBe(true);
  });

  it('cuts only the animated line, to the terminal width, so it can be redrawn in place', () => {
    const stream = capture(true, 60);
    const reporter = createReporter({ stream, mode: 'tty', now: () => 0, frameMs: 1000 });
    reporter.emit({ kind: 'start', step: 'rollout penguins:2' });
    reporter.emit({ kind: 'progress', step: 'rollout penguins:2', detail: longReason });
    const spinnerLine = stream.chunks.at(-1)!;
    expect(spinnerLine).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] rollout penguins:2 · look 14, weights .*… \(0ms\)$/);
    expect(spinnerLine.length).toBeLessThan(60);
    reporter.emit({ kind: 'note', level: 'info', message: longReason });
    reporter.close();
    expect(stream.text()).toContain(`  ${longReason}\n`);
  });
});
