/** Run the `naskit` command in-process, as `naskit ARGS…` would, capturing what it prints. */
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface CliOutput {
  /** The exit status main() returns. */
  code: number;
  out: string;
  err: string;
}

export async function runNaskit(args: readonly string[]): Promise<CliOutput> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await main(['node', 'naskit', ...args]), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}
