import { check, InvalidOptionError } from './errors.js';
import type { Exec } from '../steps/exec.js';
import { redactUrl } from '../contract/redact.js';

/** Parses `--registry HOST:PORT` (or `HOST`, `[::1]:PORT`, optionally with a path prefix). */
export function parseRegistry(value: string): { host: string; port: number | undefined; prefix: string } {
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(\/[a-z0-9._/-]+)?$/.exec(value);
  // Credentials are refused (skopeo and the builders read them from their auth files) and never echoed.
  if (!match) throw new InvalidOptionError('--registry', redactUrl(value), 'HOST[:PORT][/PATH] without a scheme or credentials, e.g. 127.0.0.1:5000');
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new InvalidOptionError('--registry', value, 'a port between 1 and 65535');
  return { host: match[1]!, port, prefix: match[3] ?? '' };
}

/** Loopback registries (127.0.0.0/8, ::1, localhost) are spoken to without TLS verification. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** The registry reference an image is pushed to: `HOST:PORT[/PATH]/REPOSITORY:TAG`. */
export function registryRef(registry: string, repository: string, tag: string): string {
  const { host, port, prefix } = parseRegistry(registry);
  const base = `${host}${port === undefined ? '' : `:${port}`}${prefix}`;
  return `${base}/${repository.replace(/^localhost\//, '')}:${tag}`;
}

/** Asks the registry itself for the manifest digest of a reference (the skopeo adapter). */
export async function registryDigest(exec: Exec, ref: string, tlsVerify: boolean): Promise<string> {
  const args = ['inspect', `--tls-verify=${tlsVerify}`, '--format', '{{.Digest}}', `docker://${ref}`];
  const result = check('skopeo inspect', 'skopeo', args, await exec('skopeo', args, { timeoutMs: 60_000 }),
    'is the registry running and reachable? `curl http://HOST:PORT/v2/` should answer {}');
  const digest = result.stdout.trim();
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new InvalidOptionError('skopeo digest', digest, 'sha256:<64 hex digits>');
  return digest;
}
