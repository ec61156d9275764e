import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, parseRunConfig, readConfigFile, setField } from './config.js';
import { tempDirs } from '../../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

describe('run config', () => {
  it('fills every default from an empty config', () => {
    const c = parseRunConfig({}, 'test');
    expect(c).toMatchObject({
      dataset: 'fashion-mnist',
      space: 'nb201',
      seed: 0,
      budget_minutes: 10,
      network: { channels: expect.any(Number), cells: 1 },
      search: { proxies: expect.arrayContaining([expect.any(String)]) },
      short_train: { epochs: 1, batch_size: 128 },
      final: { train_on: 'train+val' },
    });
    expect(c.search.samples).toBeUndefined();
    expect(c.cost.train_ms_per_image).toBeGreaterThan(0);
  });

  it('names the field, the value and what is allowed', () => {
    const fail = (input: unknown): string => {
      try {
        parseRunConfig(input, 'my.yaml');
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('expected a config error');
    };
    expect(fail({ budget_minutes: -3 })).toMatch(/my\.yaml.*\n.*field 'budget_minutes' = -3: .*>0/);
    expect(fail({ space: 'tnb101-macro' })).toMatch(
      /field 'space' = "tnb101-macro": .*"nb201"\|"nb101"\|"darts"\|"tnb101-micro"/,
    );
    // Proxies default to ones that can score the space, and a proxy that cannot is refused.
    expect(parseRunConfig({}, 'test').search.proxies).toEqual(['epsilon', 'params']);
    expect(parseRunConfig({ space: 'nb101' }, 'test').search.proxies).toEqual(['epsilon', 'params']);
    expect(parseRunConfig({ space: 'darts' }, 'test').search.proxies).toEqual(['nwot', 'params']);
    expect(fail({ space: 'tnb101-micro', search: { proxies: ['params', 'epsilon'] } })).toMatch(
      /field 'search\.proxies' = \["params","epsilon"\]: proxy 'epsilon' scores only nb201, nb101 architectures, not tnb101-micro; proxies for tnb101-micro: .*nwot/,
    );
    expect(fail({ search: { proxies: ['epsilom'] } })).toMatch(/unknown proxy 'epsilom'; allowed: .*epsilon/);
    // Dataset specs are checked by the catalog before any file is read.
    expect(fail({ dataset: 'svhn' })).toMatch(
      /field 'dataset' = "svhn": unknown dataset; allowed: fashion-mnist .*mnist .*cifar10 .*cifar100:.*idx:/,
    );
    expect(fail({ dataset: 'idx:a.gz' })).toMatch(
      /field 'dataset' = "idx:a\.gz": idx: takes 2 files .*got 1/,
    );
    expect(fail({ network: { channels: 'wide' } })).toMatch(
      /field 'network\.channels' = "wide": .*expected number/,
    );
    expect(fail({ final: { train_on: 'all' } })).toMatch(
      /field 'final\.train_on' = "all": .*"train".*"train\+val"/,
    );
    expect(fail({ short_train: { epocs: 2 } })).toMatch(
      /unknown field 'epocs' in 'short_train'; allowed: images, epochs, batch_size/,
    );
    expect(fail({ budget: 5 })).toMatch(
      /unknown field 'budget'; allowed: dataset, data_dir, space, seed, budget_minutes/,
    );
    expect(fail({ seed: 1.5, search: { top_k: 0 } }).split('\n').length).toBe(3);
  });

  it('reads YAML and JSON files and explains bad ones', () => {
    const dir = tempDir('naskit-config-');
    writeFileSync(join(dir, 'a.yaml'), 'dataset: mnist\nnetwork:\n  channels: 12\n');
    writeFileSync(join(dir, 'b.json'), '{"seed": 3}');
    writeFileSync(join(dir, 'c.yaml'), 'dataset: [unclosed');
    writeFileSync(join(dir, 'd.yaml'), '- 1\n- 2\n');
    writeFileSync(join(dir, 'e.toml'), 'seed = 1');
    expect(parseRunConfig(readConfigFile(join(dir, 'a.yaml')), 'a')).toMatchObject({
      dataset: 'mnist',
      network: { channels: 12 },
    });
    expect(parseRunConfig(readConfigFile(join(dir, 'b.json')), 'b').seed).toBe(3);
    expect(() => readConfigFile(join(dir, 'c.yaml'))).toThrow(/c\.yaml is not valid YAML/);
    expect(() => readConfigFile(join(dir, 'd.yaml'))).toThrow(/must hold a mapping of fields.*got a list/);
    expect(() => readConfigFile(join(dir, 'e.toml'))).toThrow(
      /expected a \.yaml, \.yml or \.json file, got '\.toml'/,
    );
    expect(() => readConfigFile(join(dir, 'missing.yaml'))).toThrow(/cannot be read/);
  });

  it('sets nested fields from flags and hashes configs canonically', () => {
    const raw: Record<string, unknown> = { network: { cells: 2 } };
    setField(raw, 'network.channels', 8);
    setField(raw, 'seed', 4);
    expect(raw).toEqual({ network: { cells: 2, channels: 8 }, seed: 4 });
    expect(() => setField({ network: 5 }, 'network.channels', 8)).toThrow(
      /field 'network' must be a mapping/,
    );
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: null, u: undefined } })).toBe(
      '{"a":{"c":null,"d":[1,2]},"b":1}',
    );
  });
});
