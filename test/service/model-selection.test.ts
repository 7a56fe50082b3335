import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register } from '../../cli/commands/serve.js';
import { ConfigError } from '../../service/src/errors.js';
import { parseModelSpec, selectVersions } from '../../service/src/repository/model-selection.js';

/** What the sample repository holds: versions 3 to 6 are faulty on purpose, 6 is corrupt. */
const samples = new Map([['penguins', ['1', '2', '3', '4', '5', '6']]]);

describe('which versions `keelson serve` serves', () => {
  it('without --model: every model at its highest version, numerically (10 after 9)', () => {
    const repository = new Map([['penguins', ['1', '9', '10']], ['iris', ['a', 'b']]]);
    expect(selectVersions(repository, [], 'models')).toEqual([
      { name: 'penguins', version: '10' },
      { name: 'iris', version: 'b' },
    ]);
  });

  it('takes the highest even when it is the corrupt sample: nothing falls back to an older version silently', () => {
    expect(selectVersions(samples, [], 'models')).toEqual([{ name: 'penguins', version: '6' }]);
  });

  it('serves exactly the versions named, once each; a name alone means its highest version', () => {
    const specs = ['penguins:2', 'penguins:1', 'penguins:2'].map(parseModelSpec);
    expect(selectVersions(samples, specs, 'models')).toEqual([
      { name: 'penguins', version: '2' },
      { name: 'penguins', version: '1' },
    ]);
    expect(selectVersions(samples, [parseModelSpec('penguins')], 'models')).toEqual([{ name: 'penguins', version: '6' }]);
  });

  it('refuses unknown models and versions, naming what the repository holds', () => {
    expect(() => selectVersions(samples, [parseModelSpec('iris')], 'models')).toThrow(
      new ConfigError('--model iris: no such model in models (found: penguins)'),
    );
    expect(() => selectVersions(samples, [parseModelSpec('penguins:9')], 'models')).toThrow(
      new ConfigError('--model penguins:9: no such version in models/penguins (found: 1, 2, 3, 4, 5, 6)'),
    );
    expect(() => selectVersions(new Map(), [], 'empty')).toThrow(
      new ConfigError('--models empty: no models found (expected empty/<model>/<version>/model.onnx)'),
    );
  });

  it('refuses a --model value that is not NAME or NAME:VERSION', () => {
    expect(() => parseModelSpec('penguins:2:3')).toThrow(/--model "penguins:2:3": expected NAME or NAME:VERSION/);
    expect(() => parseModelSpec('../etc')).toThrow(/expected NAME or NAME:VERSION/);
  });

  it('`keelson serve --help` states the default and how to serve the good sample version', () => {
    const program = new Command();
    register(program);
    const serve = program.commands.find((c) => c.name() === 'serve')!;
    let help = '';
    serve.configureOutput({ writeOut: (text) => (help += text) });
    serve.outputHelp();
    help = help.replace(/\s+/g, ' ');
    expect(help).toContain('Without --model, every model in DIR is served at its highest version');
    expect(help).toMatch(/6 corrupt/);
    expect(help).toContain('keelson serve --models models --model penguins:2');
  });
});
