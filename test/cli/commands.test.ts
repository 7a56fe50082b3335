import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/commands/index.js';
import { buildProgram } from '../../cli/program.js';

const commandsUrl = new URL('../../cli/commands/', import.meta.url);
const commandFiles = readdirSync(fileURLToPath(commandsUrl))
  .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
  .sort();

describe('the command list', () => {
  it.each(commandFiles)('lists cli/commands/%s', async (file) => {
    const module: unknown = await import(new URL(file, commandsUrl).href);
    expect(COMMANDS).toContain(module);
  });

  it('has no command twice and nothing that is not a file of cli/commands', () => {
    expect(new Set(COMMANDS).size).toBe(COMMANDS.length);
    expect(COMMANDS).toHaveLength(commandFiles.length);
  });

  it('registers a subcommand for every file but version.ts, named after the file', () => {
    const names = buildProgram().commands.map((command) => command.name());
    const expected = commandFiles.map((file) => file.replace(/\.ts$/, '')).filter((name) => name !== 'version');
    expect([...names].sort()).toEqual(expected);
  });
});
