import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { invokedVerb, verbs } from './commands.js';
import { buildProgram, main } from './main.js';

function allCommands(cmd: Command, path: string[] = []): Array<{ path: string[]; cmd: Command }> {
  return cmd.commands.flatMap((c) => [
    { path: [...path, c.name()], cmd: c },
    ...allCommands(c, [...path, c.name()]),
  ]);
}

describe('naskit CLI', () => {
  it('every command has a description and help text', async () => {
    const commands = allCommands(await buildProgram());
    expect(commands.map((c) => c.path.join(' '))).toEqual(expect.arrayContaining(['train', 'bench engine']));
    for (const { path, cmd } of commands) {
      expect(cmd.description(), `description of '${path.join(' ')}'`).not.toBe('');
      expect(cmd.helpInformation()).toContain('--help');
    }
  });

  it('lists every verb without loading it, as the loaded verbs describe themselves', async () => {
    const listing = (await buildProgram('all')).helpInformation();
    const stubs = await buildProgram([]);
    expect(stubs.commands.map((c) => c.name())).toEqual(verbs.map((v) => v.name));
    expect(stubs.helpInformation()).toBe(listing);
    for (const verb of verbs) {
      const program = await buildProgram([verb.name]);
      expect(program.helpInformation(), verb.name).toBe(listing);
      expect(program.commands.find((c) => c.name() === verb.name)!.description()).toBe(verb.description);
    }
  });

  it('finds the invoked verb on the command line', () => {
    expect(invokedVerb(['--help'])).toBeUndefined();
    expect(invokedVerb([])).toBeUndefined();
    expect(invokedVerb(['--verbose', 'run', '--seed', '3'])).toBe('run');
    expect(invokedVerb(['bench', 'engine', '--help'])).toBe('bench');
    expect(invokedVerb(['help', 'proxies'])).toBe('proxies');
    expect(invokedVerb(['no-such-command'])).toBe('no-such-command');
  });

  it('--help and bare naskit exit 0, an unknown command exits non-zero', async () => {
    const writes: string[] = [];
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => (writes.push(String(s)), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => (writes.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'naskit'])).toBe(0);
      expect(writes.join('')).toMatch(/^Usage: naskit \[options\] \[command\]/);
      expect(await main(['node', 'naskit', '--help'])).toBe(0);
      expect(await main(['node', 'naskit', 'bench', 'engine', '--help'])).toBe(0);
      expect(await main(['node', 'naskit', 'help', 'proxies'])).toBe(0);
      expect(await main(['node', 'naskit', 'no-such-command'])).not.toBe(0);
      expect(await main(['node', 'naskit', 'train', '--epochs', 'zero'])).toBe(2);
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    expect(writes.join('')).toMatch(/expected a positive integer, got 'zero'/);
    expect(writes.join('')).toMatch(/Usage: naskit bench engine/);
    expect(writes.join('')).toMatch(/Usage: naskit proxies/);
  });
});
