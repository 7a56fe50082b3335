import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendImageRecord, latestRecord, pinnedRef, readImageRecords, repositoryOf, type ImageRecord } from '../../container/records.js';
import { isLoopback, parseRegistry, registryRef } from '../../container/registry.js';

describe('registry references', () => {
  it('parses HOST:PORT and refuses a URL with a scheme', () => {
    expect(parseRegistry('127.0.0.1:5000')).toEqual({ host: '127.0.0.1', port: 5000, prefix: '' });
    expect(parseRegistry('registry.example.com/team')).toEqual({ host: 'registry.example.com', port: undefined, prefix: '/team' });
    expect(() => parseRegistry('http://127.0.0.1:5000')).toThrow("--registry 'http://127.0.0.1:5000' is invalid");
    expect(() => parseRegistry('127.0.0.1:99999')).toThrow(/port between 1 and 65535/);
  });

  it('treats only loopback registries as TLS-free', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '[::1]'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['10.0.0.1', 'registry.example.com', '128.0.0.1'].map(isLoopback)).toEqual([false, false, false]);
  });

  it('builds the push destination from the local name, dropping localhost/', () => {
    expect(registryRef('127.0.0.1:5000', 'localhost/keelson-service', 'abc123')).toBe('127.0.0.1:5000/keelson-service:abc123');
    expect(registryRef('reg.example.com/ml', 'keelson-service', 'v1')).toBe('reg.example.com/ml/keelson-service:v1');
  });

  it('pins a reference by digest, keeping a registry port', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(pinnedRef('127.0.0.1:5000/keelson-service:abc', digest)).toBe(`127.0.0.1:5000/keelson-service@${digest}`);
    expect(repositoryOf('127.0.0.1:5000/keelson-service')).toBe('127.0.0.1:5000/keelson-service');
    expect(repositoryOf('localhost/keelson-service:tag')).toBe('localhost/keelson-service');
  });
});

describe('.keelson/images.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-images-'));
  const file = join(dir, 'nested', 'images.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const built = (n: number): ImageRecord => ({
    kind: 'built',
    ref: `localhost/keelson-service:t${n}`,
    pinned: `localhost/keelson-service@sha256:${String(n).padStart(64, '0')}`,
    digest: `sha256:${String(n).padStart(64, '0')}`,
    builder: 'podman',
    base: 'localhost/keelson-base:bookworm-node20',
    sizeBytes: n,
    gitSha: null,
    at: new Date(0).toISOString(),
  });

  it('starts empty, appends, and finds the latest record of each kind', () => {
    expect(readImageRecords(file)).toEqual([]);
    appendImageRecord(file, built(1));
    appendImageRecord(file, { kind: 'pushed', ref: 'r:1', pinned: 'r@sha256:x', digest: 'sha256:x', source: 'l:1', at: '' });
    appendImageRecord(file, built(2));
    const records = readImageRecords(file);
    expect(latestRecord(records, 'built')?.ref).toBe('localhost/keelson-service:t2');
    expect(latestRecord(records, 'pushed')?.pinned).toBe('r@sha256:x');
    expect(JSON.parse(readFileSync(file, 'utf8')).images).toHaveLength(3);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['images.json']); // no temp file left behind
  });

  it('keeps the file bounded', () => {
    for (let i = 0; i < 60; i++) appendImageRecord(file, built(100 + i));
    const records = readImageRecords(file);
    expect(records).toHaveLength(50);
    expect(latestRecord(records, 'built')?.ref).toBe('localhost/keelson-service:t159');
  });

  it('says how to recover from a corrupt file', () => {
    writeFileSync(file, '{ not json');
    expect(() => readImageRecords(file)).toThrow(/is not valid JSON/);
  });
});
