/** The pull-based mode: the Argo CD Application in deploy/argocd/ is schema-valid and syncs what `release --rendered` writes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const text = readFileSync(join(root, 'deploy', 'argocd', 'application.yaml'), 'utf8');

describe('deploy/argocd/application.yaml', () => {
  it('validates against the Argo CD Application schema', () => {
    expect(() => new Application(parse(text)).validate()).not.toThrow();
  });

  it('the schema check can fail: a wrong type or a missing required field is refused', () => {
    expect(() => new Application(parse(text.replace('prune: true', 'prune: "yes"'))).validate()).toThrow(/prune|boolean/i);
    const noDestination = parse(text);
    delete noDestination.spec.destination;
    expect(() => new Application(noDestination).validate()).toThrow(/destination/);
  });

  it('syncs deploy/rendered/production, the directory keelson release --rendered commits', () => {
    const app = new Application(parse(text));
    expect(app.spec.source?.path).toBe('deploy/rendered/production');
    expect(app.spec.source?.targetRevision).toBe('main');
    expect(app.spec.destination.namespace).toBe('keelson');
  });
});
