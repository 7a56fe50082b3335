import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chooseExecutionProvider, parseExecutionProviders, type ProbeResult } from '../../service/src/runtime/execution-providers.js';
import { probeExecutionProvider } from '../../service/src/runtime/onnx-session.js';
import { killIfRunning, spawnKeelson, waitFor200, type KeelsonProcess } from './serve-process.js';

describe('choosing an execution provider (pure)', () => {
  const probe = (available: string[]) => async (provider: string): Promise<ProbeResult> =>
    available.includes(provider) ? { ok: true } : { ok: false, reason: `${provider}: Failed to load shared library` };

  it('takes the first available preference and records what it skipped', async () => {
    const choice = await chooseExecutionProvider(['cuda', 'webgpu', 'cpu'], false, probe(['cpu']), 'cpu');
    expect(choice).toEqual({
      kind: 'chosen', provider: 'cpu', preference: ['cuda', 'webgpu', 'cpu'],
      fallbacks: [{ provider: 'cuda', reason: 'cuda: Failed to load shared library' }, { provider: 'webgpu', reason: 'webgpu: Failed to load shared library' }],
    });
  });

  it('with require, refuses when the first preference is unavailable, naming it and what onnxruntime said', async () => {
    const choice = await chooseExecutionProvider(['cuda', 'cpu'], true, probe(['cpu']), 'cpu, cuda (not bundled)');
    expect(choice.kind).toBe('refused');
    expect(choice.kind === 'refused' && choice.message).toContain("execution provider 'cuda' (first of cuda,cpu) cannot be used: onnxruntime-node says \"cuda: Failed to load shared library\"");
  });

  it('refuses when no preference is available', async () => {
    const choice = await chooseExecutionProvider(['cuda', 'tensorrt'], false, probe(['cpu']), 'cpu');
    expect(choice.kind === 'refused' && choice.message).toMatch(/none can be used \(cuda: .*; tensorrt: .*\)/);
  });

  it('parses a comma-separated list and names unknown or repeated providers', () => {
    expect(parseExecutionProviders(' CUDA, cpu ', '--execution-provider')).toEqual(['cuda', 'cpu']);
    expect(() => parseExecutionProviders('gpu,cpu', '--execution-provider')).toThrow("--execution-provider \"gpu,cpu\": unknown execution provider 'gpu'; expected some of cpu, cuda");
    expect(() => parseExecutionProviders('cpu,cpu', '--execution-provider')).toThrow('listed twice');
    expect(() => parseExecutionProviders(',', '--execution-provider')).toThrow('expected a comma-separated list');
  });
});

describe('keelson serve refuses an unknown provider at start-up', () => {
  it('exit 2, naming the flag, the value and the accepted names', { timeout: 30_000 }, async () => {
    const server = spawnKeelson(['serve', '--models', inject('modelsDir'), '--model', 'penguins:2', '--port', '0', '--execution-provider', 'gpu,cpu']);
    try {
      expect((await server.exited).code).toBe(2);
      expect(server.stderr()).toContain(`keelson: --execution-provider "gpu,cpu": unknown execution provider 'gpu'; expected some of cpu, cuda, tensorrt, webgpu, dml, coreml, qnn`);
    } finally {
      killIfRunning(server);
    }
  });
});

describe('execution providers of the real onnxruntime-node', () => {
  it('the CPU provider always works', async () => {
    expect(await probeExecutionProvider('cpu')).toEqual({ ok: true });
  });

  it('a provider this build does not have is reported with onnxruntime-node\'s reason', async () => {
    const result = await probeExecutionProvider('dml');
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('backend not found') as string });
  });
});

// These need a machine without a usable CUDA (this project's CI); on a GPU machine bench/gpu/ is the check.
const cudaWorks = (await probeExecutionProvider('cuda')).ok;

describe.skipIf(cudaWorks)('keelson serve --execution-provider on a machine without CUDA', () => {
  const started: KeelsonProcess[] = [];
  let modelsDir: string;
  beforeAll(() => {
    modelsDir = mkdtempSync(join(tmpdir(), 'keelson-ep-'));
    cpSync(join(inject('modelsDir'), 'penguins', '2'), join(modelsDir, 'penguins', '2'), { recursive: true });
  });
  afterAll(() => started.forEach(killIfRunning));
  const keelson = (args: string[]): KeelsonProcess => {
    const process = spawnKeelson(['serve', '--models', modelsDir, '--port', '0', '--workers', '1', ...args]);
    started.push(process);
    return process;
  };
  const providerLine = (p: KeelsonProcess) => p.lines.find((l) => (l.event as { action?: string } | undefined)?.action === 'execution_provider');

  it('cuda,cpu falls back to cpu with a warning; the metric says cpu', { timeout: 60_000 }, async () => {
    const server = keelson(['--execution-provider', 'cuda,cpu']);
    const url = await server.listening;
    await waitFor200(`${url}/v2/health/ready`);
    const line = providerLine(server)!;
    expect(line['log.level']).toBe('warn');
    expect(line.keelson).toMatchObject({ provider: 'cpu', preference: ['cuda', 'cpu'], fallbacks: [{ provider: 'cuda' }] });
    expect(String(line.message)).toMatch(/^execution provider cpu; cuda unavailable, fell back \(.+\)/);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('model_execution_provider_info{model="penguins",version="2",execution_provider="cpu"} 1');
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it('--require-execution-provider with cuda fails start-up: exit 2, naming the provider and what onnxruntime-node said', { timeout: 60_000 }, async () => {
    const server = keelson(['--execution-provider', 'cuda,cpu', '--require-execution-provider']);
    expect((await server.exited).code).toBe(2);
    expect(server.stderr()).toMatch(/keelson: --require-execution-provider: execution provider 'cuda' \(first of cuda,cpu\) cannot be used: onnxruntime-node says ".+"/);
    expect(server.lines.some((l) => (l.event as { action?: string } | undefined)?.action === 'listening')).toBe(false);
  });

  it('executionProviders in model.json is the preference when no flag is given', { timeout: 60_000 }, async () => {
    const file = join(modelsDir, 'penguins', '2', 'model.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(original), executionProviders: ['tensorrt', 'cpu'] }));
    try {
      const server = keelson([]);
      const url = await server.listening;
      await waitFor200(`${url}/v2/health/ready`);
      expect(providerLine(server)!.keelson).toMatchObject({ provider: 'cpu', preference: ['tensorrt', 'cpu'], fallbacks: [{ provider: 'tensorrt' }] });
      server.child.kill('SIGTERM');
      await server.exited;
    } finally {
      writeFileSync(file, original);
    }
  });
});
