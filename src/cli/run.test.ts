import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

/** Run the CLI in-process, capturing stdout and stderr. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'naskit', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

describe('naskit run / report / export (argument handling)', () => {
  it('documents config fields, datasets and bring-your-own data in --help', async () => {
    const { code, out } = await cli('run', '--help');
    expect(code).toBe(0);
    expect(out).toMatch(/--budget-minutes <m>/);
    expect(out).toMatch(/--resume <dir>/);
    expect(out).toMatch(/idx:IMAGES,LABELS\[,TEST_IMAGES,TEST_LABELS\]/);
    expect(out).toMatch(/short_train: \{images, epochs, batch_size, lr, val_images\}/);
    expect(out).toMatch(/--space <space> +search space: nb201, nb101, darts, tnb101-micro/);
    expect(out).toMatch(/search\.proxies defaults to epsilon\+params on nb201, nb101; nwot\+params on darts/);
  });

  it('rejects a bad config with the field, the value and what is allowed, before creating anything', async () => {
    const dir = tempDir('naskit-cli-run-');
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'space: tnb101-macro\nfinal:\n  epochs: 0\n');
    writeFileSync(join(dir, 'proxy.yaml'), 'search:\n  proxies: [epsilon, magic]\n');
    const r = await cli('run', config, '--out', join(dir, 'run'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/field 'space' = "tnb101-macro": .*"nb201"\|"nb101"\|"darts"\|"tnb101-micro"/);
    expect(r.err).toMatch(/field 'final\.epochs' = 0: /);
    const flags = await cli('run', '--budget-minutes', '-2', '--out', join(dir, 'run'));
    expect(flags.code).toBe(2);
    expect(flags.err).toMatch(/command-line flags .*\n.*field 'budget_minutes' = -2/);
    const dataset = await cli('run', '--dataset', 'imagenet', '--out', join(dir, 'run'));
    expect(dataset.code).toBe(2);
    expect(dataset.err).toMatch(
      /field 'dataset' = "imagenet": unknown dataset; allowed: fashion-mnist .*, mnist .*, cifar10 .*idx:/,
    );
    const idx = await cli('run', '--dataset', 'idx:only-one-file', '--out', join(dir, 'run'));
    expect(idx.err).toMatch(/idx: takes 2 files \(images,labels\) or 4/);
    const proxy = await cli('run', config.replace('bad.yaml', 'proxy.yaml'), '--out', join(dir, 'run'));
    expect(proxy.code).toBe(2);
    expect(proxy.err).toMatch(
      /field 'search\.proxies' = \["epsilon","magic"\]: unknown proxy 'magic'; allowed: epsilon, /,
    );
    expect(readdirSync(dir).sort()).toEqual(['bad.yaml', 'proxy.yaml']);
  });

  it('checks --out before loading any data, and exits 3 for a missing config file like other missing inputs', async () => {
    const dir = tempDir('naskit-cli-out-');
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    // The dataset does not exist either: the --out error coming first shows it is checked before the data.
    const noData = ['--dataset', `idx:${join(dir, 'a.gz')},${join(dir, 'b.gz')}`, '--threads', '1'];
    const underFile = await cli('run', '--out', join(file, 'sub'), ...noData);
    expect(underFile.code).toBe(2);
    expect(underFile.err).toContain(`--out ${join(file, 'sub')}: ${file} is a file, not a folder`);
    if (existsSync('/proc/self')) {
      const proc = await cli('run', '--out', '/proc/naskit-x', ...noData);
      expect(proc.code).toBe(2);
      expect(proc.err).toMatch(/--out \/proc\/naskit-x cannot be created \(ENOENT/);
    }
    // A good --out with missing data: the error is about the data, and no empty run folder is left.
    const missingData = await cli('run', '--out', join(dir, 'run'), ...noData);
    expect(missingData.code).toBe(3);
    expect(existsSync(join(dir, 'run'))).toBe(false);

    const config = await cli('run', join(dir, 'nonexistent.yaml'));
    expect(config.code).toBe(3);
    expect(config.err).toMatch(/config file .*nonexistent\.yaml cannot be read/);
  });

  it('takes the configuration of a resumed run from its directory', async () => {
    const r = await cli('run', '--resume', '/nowhere', '--seed', '3');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--resume reads the configuration from the run directory; drop --seed/);
    const missing = await cli('run', '--resume', join(tmpdir(), 'naskit-no-such-run'));
    expect(missing.err).toMatch(/does not exist/);
    expect(missing.code).toBe(3);
  });

  it('explains what report and export need', async () => {
    const empty = tempDir('naskit-cli-empty-');
    const report = await cli('report', empty);
    expect(report.code).not.toBe(0);
    expect(report.err).toMatch(/is not a naskit run directory: it has no config\.json/);
    const exported = await cli('export', empty);
    expect(exported.err).toMatch(
      /holds no model\.safetensors \(naskit run\) or checkpoint\.safetensors \(naskit train\)/,
    );
    const shape = await cli('export', empty, '--input-shape', '3,32');
    expect(shape.code).toBe(2);
    expect(shape.err).toMatch(/expected C,H,W/);
  });
});
