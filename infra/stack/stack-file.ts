/**
 * A Pulumi stack file (`Pulumi.<stack>.yaml`) read without Pulumi: the `keelson:*` settings `keelson deploy` renders
 * with, so a release carries the stack's namespace, hostname, token Secret, TLS, drain and log settings.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { resolveSettings, type InfraSettings } from '../config/settings.js';

/** The stack's settings; secret values (`secure:`) are left out, since rendering needs none. Throws naming the key. */
export function loadStackFile(file: string): InfraSettings {
  const stack = basename(file).replace(/^Pulumi\./, '').replace(/\.ya?ml$/, '');
  const document = parse(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> } | null;
  const config = document?.config ?? {};
  return resolveSettings((key) => {
    const value = config[`keelson:${key}`];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object') return String(value);
    return 'secure' in value ? undefined : JSON.stringify(value);
  }, stack);
}
