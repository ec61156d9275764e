import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram, main } from './main.js';

function allCommands(cmd: Command, path: string[] = []): Array<{ path: string[]; cmd: Command }> {
  return cmd.commands.flatMap((c) => [
    { path: [...path, c.name()], cmd: c },
    ...allCommands(c, [...path, c.name()]),
  ]);
}

describe('naskit CLI', () => {
  it('every command has a description and help text', () => {
    const commands = allCommands(buildProgram());
    expect(commands.map((c) => c.path.join(' '))).toEqual(expect.arrayContaining(['train', 'bench engine']));
    for (const { path, cmd } of commands) {
      expect(cmd.description(), `description of '${path.join(' ')}'`).not.toBe('');
      expect(cmd.helpInformation()).toContain('--help');
    }
  });

  it('--help exits 0 and an unknown command exits non-zero', async () => {
    const writes: string[] = [];
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => (writes.push(String(s)), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => (writes.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'naskit', '--help'])).toBe(0);
      expect(await main(['node', 'naskit', 'no-such-command'])).not.toBe(0);
      expect(await main(['node', 'naskit', 'train', '--epochs', 'zero'])).toBe(2);
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    expect(writes.join('')).toMatch(/expected a positive integer, got 'zero'/);
  });
});
