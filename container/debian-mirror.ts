/** The mirror used when apt's configuration names none for the suite. */
export const defaultDebianMirror = 'http://deb.debian.org/debian';

interface SourceEntry {
  uris: string[];
  suites: string[];
}

/**
 * Finds the Debian mirror apt already uses for `suite`, from the contents of `/etc/apt/sources.list`
 * (one-line format) and `/etc/apt/sources.list.d/*.sources` (deb822), so debootstrap goes through
 * whatever mirror or proxy the machine is configured for. Security and third-party repositories
 * do not match because their suites differ (`bookworm-security`, `nodistro`).
 */
export function findDebianMirror(files: Array<{ path: string; content: string }>, suite: string): string | undefined {
  for (const { path, content } of files) {
    const entries = path.endsWith('.sources') ? parseDeb822(content) : parseOneLine(content);
    const hit = entries.find((entry) => entry.suites.includes(suite) && entry.uris.length > 0);
    if (hit) return hit.uris[0]!.replace(/\/+$/, '');
  }
  return undefined;
}

function parseDeb822(content: string): SourceEntry[] {
  return content
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
        if (match) fields.set(match[1]!.toLowerCase(), match[2]!.trim());
      }
      const words = (name: string) => (fields.get(name) ?? '').split(/\s+/).filter(Boolean);
      const enabled = (fields.get('enabled') ?? 'yes').toLowerCase() !== 'no';
      return enabled && words('types').includes('deb') ? { uris: words('uris'), suites: words('suites') } : undefined;
    })
    .filter((entry): entry is SourceEntry => entry !== undefined);
}

function parseOneLine(content: string): SourceEntry[] {
  return content
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').replace(/\[[^\]]*\]/, '').trim().split(/\s+/))
    .filter((words) => words[0] === 'deb' && words.length >= 3)
    .map((words) => ({ uris: [words[1]!], suites: [words[2]!] }));
}
