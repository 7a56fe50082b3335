import { describe, expect, it } from 'vitest';
import { parseRegistry } from '../../container/registry.js';
import { redactSecrets, redactUrl, secretsOf } from '../../contract/redact.js';

describe('redaction', () => {
  it('masks URL passwords and token users, keeps everything else', () => {
    expect(redactUrl('https://bot:TOKEN@host/repo.git')).toBe('https://bot:***@host/repo.git');
    expect(redactUrl('https://TOKEN@github.com/org/repo.git')).toBe('https://***@github.com/org/repo.git');
    expect(redactUrl('ssh://git@host/org/repo.git')).toBe('ssh://git@host/org/repo.git');
    expect(redactUrl('git@github.com:org/repo.git')).toBe('git@github.com:org/repo.git');
    expect(redactUrl('/home/me/repo')).toBe('/home/me/repo');
    expect(redactUrl('bot:TOKEN@registry:5000')).toBe('bot:***@registry:5000');
  });

  it('masks secret query values', () => {
    expect(redactUrl('https://host/x.git?access_token=abc&ref=main')).toBe('https://host/x.git?access_token=***&ref=main');
    expect(redactSecrets("fatal: unable to access 'https://u:p%40ss@h/x?private_token=zz': refused")).toBe("fatal: unable to access 'https://u:***@h/x?private_token=***': refused");
  });

  it('masks a secret wherever it stands on its own, raw or percent-decoded', () => {
    const url = 'https://bot:p%40ss-word@host/x.git';
    expect(secretsOf(url)).toEqual(['p%40ss-word', 'p@ss-word']);
    expect(redactSecrets('password p@ss-word rejected', secretsOf(url))).toBe('password *** rejected');
  });

  it('a registry given with credentials is refused without echoing them', () => {
    expect(() => parseRegistry('bot:s3cr3t-planted@registry.example.com:5000')).toThrow(/--registry.*bot:\*\*\*@registry\.example\.com:5000/);
    expect(() => parseRegistry('https://bot:s3cr3t-planted@registry.example.com')).toThrow(/^(?!.*s3cr3t-planted)/s);
  });
});
