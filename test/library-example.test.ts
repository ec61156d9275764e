/**
 * The README's library example (`examples/library.ts`) compiles (tsconfig.check.json covers examples/),
 * runs offline on the tables shipped in data/, and is quoted in the README verbatim.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('examples/library.ts', () => {
  it('ranks cells by a proxy and searches the bundled NB201 table', async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      const example = await import('../examples/library.js');
      expect(example.rho).toBeCloseTo(0.731, 3);
      expect(example.run.history).toHaveLength(100);
      expect(example.run.final!.test).toBeCloseTo(94.3, 1);
    } finally {
      log.mockRestore();
    }
    expect(lines[0]).toBe('params proxy: Spearman ρ = 0.731 over 200 cells');
    expect(lines).toHaveLength(3);
  });

  it('is quoted in the README verbatim', () => {
    const readme = read('../README.md');
    const section = readme.slice(readme.indexOf('## Use naskit as a library'));
    const quoted = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(quoted).toBe(read('../examples/library.ts'));
  });
});
