import { describe, expect, it } from 'vitest';
import { findDebianMirror } from '../../container/debian-mirror.js';

const deb822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
`;

describe('Debian mirror from apt configuration', () => {
  it('reads deb822 .sources files and ignores security and third-party suites', () => {
    const files = [
      { path: '/etc/apt/sources.list.d/cloud-sdk.list', content: 'deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n' },
      { path: '/etc/apt/sources.list.d/debian.sources', content: deb822 },
      { path: '/etc/apt/sources.list.d/nodesource.sources', content: 'Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\n' },
    ];
    expect(findDebianMirror(files, 'bookworm')).toBe('http://deb.debian.org/debian');
  });

  it('reads the one-line format, with options and comments', () => {
    const content = '# local mirror\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.internal/debian/ bookworm main\n';
    expect(findDebianMirror([{ path: '/etc/apt/sources.list', content }], 'bookworm')).toBe('http://mirror.internal/debian');
  });

  it('skips disabled entries and finds nothing for another suite', () => {
    const disabled = 'Types: deb\nURIs: http://old.example/debian\nSuites: bookworm\nEnabled: no\n';
    expect(findDebianMirror([{ path: 'a.sources', content: disabled }], 'bookworm')).toBeUndefined();
    expect(findDebianMirror([{ path: 'b.sources', content: deb822 }], 'trixie')).toBeUndefined();
  });
});
