import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogSink } from '../../platform/instances/log-sink.js';

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('log sink', () => {
  it('keeps lines that arrive after close() was called until the followed stream ends, and never throws after', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keelson-sink-')), 'x.ndjson');
    const sink = createLogSink(file, 'node-a');
    const output = new PassThrough();
    sink.follow(output, 'error');
    output.write('{"message":"json line"}\n');
    const closing = sink.close();
    // The instance's output arrives after its exit event: the platform crashed on this (write after end).
    output.write('a plain line\n');
    output.end('last words\n');
    await closing;
    sink.event('info', 'after close');
    const late = new PassThrough();
    sink.follow(late, 'info');
    late.end('too late\n');
    await new Promise((r) => setTimeout(r, 20));
    expect(lines(file).map((l) => l.message)).toEqual(['json line', 'a plain line', 'last words']);
    expect(lines(file)[1]).toMatchObject({ 'log.level': 'error', 'service.node.name': 'node-a', 'ecs.version': '8.10.0' });
  });

  it('closes after a grace period when a followed stream never ends', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keelson-sink-')), 'x.ndjson');
    const sink = createLogSink(file, 'node-b');
    sink.follow(new PassThrough(), 'info');
    sink.event('warn', 'before');
    const t0 = Date.now();
    await sink.close(100);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(lines(file).map((l) => l.message)).toEqual(['before']);
  });
});
