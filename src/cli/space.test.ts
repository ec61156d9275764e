import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectNaskitError } from '../../test/helpers/space-contract.js';
import { main } from './main.js';
import { spaceHash, spaceIndex, spaceInfo, spaceParams, spaceSample } from './space.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

const CELL = '{"matrix":[[0,1,0],[0,0,1],[0,0,0]],"ops":["input","conv3x3-bn-relu","output"]}';

describe('naskit space', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('info lists size, ops and encodings', () => {
    const text = spaceInfo('nb201');
    expect(text).toContain('size: 15,625');
    expect(text).toContain('path (155)');
    const all = JSON.parse(spaceInfo(undefined, { json: true })) as { name: string }[];
    expect(all.map((s) => s.name)).toEqual(['nb201', 'nb101', 'darts', 'tnb101-micro', 'tnb101-macro']);
  });

  it('sample is reproducible per seed and prints the NB101 hash before the cell', () => {
    expect(spaceSample('nb201', { n: '3', seed: '4' })).toBe(spaceSample('nb201', { n: '3', seed: '4' }));
    expect(spaceSample('nb201', { n: '3', seed: '4' }).trim().split('\n')).toHaveLength(3);
    const [line] = spaceSample('nb101', { seed: '1' }).trim().split('\n');
    expect(line).toMatch(/^[0-9a-f]{32}\t\{"matrix"/);
    expectNaskitError(() => spaceSample('nb201', { n: '0' }), 'invalid_argument');
  });

  it('refuses a huge --n before drawing anything', () => {
    const started = Date.now();
    expect(() => spaceSample('nb201', { n: '1e9' })).toThrow(/--n 1e9: at most 100,000 architectures/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(spaceSample('nb201', { n: '100000' }).trim().split('\n')).toHaveLength(100_000);
  });

  it('hash reads arguments and files', () => {
    const dir = tempDir('naskit-space-');
    const file = join(dir, 'cells.txt');
    writeFileSync(file, `${CELL}\n\n${CELL}\n`);
    const fromArgs = spaceHash('nb101', [CELL], {}).trim();
    expect(fromArgs).toMatch(/^[0-9a-f]{32}$/);
    expect(spaceHash('nb101', [], { file }).trim().split('\n')).toEqual([fromArgs, fromArgs]);
    expectNaskitError(() => spaceHash('nb101', [], {}), 'invalid_argument');
    expectNaskitError(() => spaceHash('nb101', [], { file: join(dir, 'missing.txt') }), 'invalid_argument');
  });

  it('index converts both ways for nb201 only', () => {
    const arch =
      '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';
    expect(spaceIndex('nb201', ['0', arch])).toBe(`${arch}\n0\n`);
    expectNaskitError(() => spaceIndex('nb101', ['0']), 'invalid_argument');
  });

  it('exits with status 2 and names the problem for a malformed architecture or unknown space', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['node', 'naskit', 'space', 'hash', 'nb101', '{"matrix":[[0]],"ops":["input"]}'])).toBe(
      2,
    );
    expect(String(stderr.mock.calls[0]?.[0])).toContain('nb101: invalid architecture');
    expect(await main(['node', 'naskit', 'space', 'info', 'nb999'])).toBe(2);
    expect(String(stderr.mock.calls[1]?.[0])).toContain(
      'valid names: nb201, nb101, darts, tnb101-micro, tnb101-macro',
    );
  });
});

describe('naskit space params', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const NB201_0 =
    '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';

  it('prints millions per line, exact counts as JSON, for the classes and input asked', () => {
    expect(spaceParams('nb201', [NB201_0, '0'.repeat(6)], {})).toBe('0.129306\n0.073306\n');
    const [row] = JSON.parse(
      spaceParams('nb201', [NB201_0], { classes: '120', input: '3x16x16', json: true }),
    ) as {
      params: number;
    }[];
    expect(row!.params).toBe(136_456);
    const dir = tempDir('naskit-params-');
    const file = join(dir, 'cells.txt');
    writeFileSync(file, `${CELL}\n`);
    expect(spaceParams('nb101', [], { file, channels: '16', input: '1x28x28' }).trim()).toMatch(/^0\.\d{6}$/);
  });

  it('runs through the CLI and rejects bad flags and spaces without a network', async () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['node', 'naskit', 'space', 'params', 'nb201', NB201_0, '--classes', '100'])).toBe(0);
    expect(String(stdout.mock.calls[0]?.[0])).toBe('0.135156\n');
    expectNaskitError(() => spaceParams('nb201', [NB201_0], { input: '32x32' }), 'invalid_argument');
    expectNaskitError(() => spaceParams('nb201', [NB201_0], { classes: '0' }), 'invalid_argument');
    expectNaskitError(() => spaceParams('nb201', [], {}), 'invalid_argument');
  });
});
