import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The tree is the architecture: each top-level folder is one system, and dependencies between systems go one
// way. A folder that imports a folder which imports it back is a knot a newcomer cannot untie by reading.
const ROOT = process.cwd();


function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Every top-level folder holding TypeScript sources, except tests, benchmarks and what npm and git own. */
const NOT_SYSTEMS = new Set(['node_modules', 'test', 'bench', 'docs', 'models', 'deploy', 'bin', 'coverage']);
const SYSTEMS = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !NOT_SYSTEMS.has(entry.name))
  .map((entry) => entry.name)
  .filter((name) => sources(join(ROOT, name)).length > 0);

/** Relative imports of a file (static, dynamic and `export … from`), resolved to repository paths. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return found.map((spec) => relative(ROOT, normalize(join(dirname(file), spec))));
}

const topOf = (path: string): string => path.split('/')[0]!;

/** Folder → folders it imports, for folders at `depth` below a system (depth 0: the systems themselves). */
function folderGraph(systems: string[], level: (path: string) => string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const system of systems) {
    for (const file of sources(join(ROOT, system))) {
      const from = level(relative(ROOT, file));
      for (const target of imports(file)) {
        const to = level(target);
        if (to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to));
      }
    }
  }
  return graph;
}

/** Pairs that import each other; a folder and its own subfolder may (the subfolder is part of it). */
function cycles(graph: Map<string, Set<string>>): string[] {
  const within = (a: string, b: string) => b.startsWith(`${a}/`) || a.startsWith(`${b}/`);
  const found: string[] = [];
  for (const [a, targets] of graph) for (const b of targets) if (a < b && !within(a, b) && graph.get(b)?.has(a)) found.push(`${a} ⇄ ${b}`);
  return found;
}

const present = SYSTEMS;

describe('architecture: no folder imports a folder that imports it back', () => {
  it('finds the systems (a new top-level folder is checked without being listed)', () => {
    expect(present).toEqual(expect.arrayContaining(['contract', 'service', 'analysis', 'rollout', 'platform', 'gitops', 'kubernetes', 'pipelines', 'cli', 'infra']));
  });

  it('between the top-level systems', () => {
    expect(cycles(folderGraph(present, topOf))).toEqual([]);
  });

  it('between sibling folders inside each system', () => {
    const folder = (path: string) => dirname(path);
    expect(cycles(folderGraph(present, folder))).toEqual([]);
  });
});
