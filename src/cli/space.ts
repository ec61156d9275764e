/**
 * `naskit space`: look at search spaces without any benchmark data.
 *   space info [<space>] [--json]                 size, ops and encodings (all spaces when none is named)
 *   space sample <space> [--n N] [--seed S] [--json]
 *   space hash <space> (<arch>... | --file F) [--json]   identity key of each architecture (NB101: module hash)
 *   space index nb201 <arch | index>...           official NB201 index of an arch string, or the arch at an index
 *   space params <space> [--classes K] [--input CxHxW] [--channels C] [--cells N] (<arch>... | --file F) [--json]
 *                                                 trainable parameters of each architecture's network, in millions
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { countTrainableParams } from '../nn/param-count.js';
import { getSpace, nb201, spaceNames } from '../spaces/index.js';
import type { NetworkConfig } from '../spaces/network-config.js';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';

export function register(program: Command): void {
  const space = program
    .command('space')
    .description('inspect search spaces: info, sample, hash, index, params');

  space
    .command('info [space]')
    .description(`size, ops and encodings of a space (${spaceNames.join(', ')}); all spaces when omitted`)
    .option('--json', 'print JSON')
    .action((name: string | undefined, flags: { json?: boolean }) => {
      process.stdout.write(spaceInfo(name, flags));
    });

  space
    .command('sample <space>')
    .description(
      'draw random architectures (canonical strings; key first when it differs, e.g. the NB101 hash)',
    )
    .option('--n <count>', 'how many (at most 100,000)', '1')
    .option('--seed <seed>', 'random seed', '0')
    .option('--json', 'print a JSON array of {arch, key}')
    .action((name: string, flags: { n: string; seed: string; json?: boolean }) => {
      process.stdout.write(spaceSample(name, flags));
    });

  space
    .command('hash <space> [arch...]')
    .description('identity key of each architecture (NB101: official module hash); any accepted string form')
    .option('--file <path>', 'read architectures from a file, one per line')
    .option('--json', 'print a JSON array of {input, arch, key}')
    .action((name: string, archs: string[], flags: { file?: string; json?: boolean }) => {
      process.stdout.write(spaceHash(name, archs, flags));
    });

  space
    .command('params <space> [arch...]')
    .description(
      'trainable parameters (millions) of the network each architecture builds, as the benchmark counts them',
    )
    .option('--classes <K>', 'classes of the classifier', '10')
    .option('--input <CxHxW>', 'input image shape', '3x32x32')
    .option(
      '--channels <C>',
      "width; the space's benchmark value when omitted (nb201 16, nb101 128, darts 36, tnb 64)",
    )
    .option(
      '--cells <N>',
      "depth; the space's benchmark value when omitted (nb201 5/stage, nb101 3/stack, darts 20, tnb 2/layer)",
    )
    .option('--file <path>', 'read architectures from a file, one per line')
    .option('--json', 'print a JSON array of {input, arch, params} (exact counts)')
    .action((name: string, archs: string[], flags: ParamsFlags) => {
      process.stdout.write(spaceParams(name, archs, flags));
    });

  space
    .command('index <space> <arch...>')
    .description('NB201 only: official index of each arch string, or the arch string at each integer index')
    .action((name: string, items: string[]) => {
      process.stdout.write(spaceIndex(name, items));
    });
}

export function spaceInfo(name: string | undefined, flags: { json?: boolean } = {}): string {
  const spaces = (name === undefined ? spaceNames : [name]).map((n) => getSpace(n));
  const infos = spaces.map((s) => ({
    name: s.name,
    description: s.description,
    size: s.size,
    ops: s.ops,
    encodings: s.encodings,
  }));
  if (flags.json) return `${JSON.stringify(name === undefined ? infos : infos[0], null, 2)}\n`;
  return infos
    .map((i) =>
      [
        `${i.name}: ${i.description}`,
        `  size: ${i.size === null ? 'not a safe integer / unknown (see description)' : i.size.toLocaleString('en-US')}`,
        `  ops: ${i.ops.join(', ')}`,
        '  encodings:',
        ...i.encodings.map((e) => `    ${e.kind} (${e.length}): ${e.description}`),
      ].join('\n'),
    )
    .join('\n\n')
    .concat('\n');
}

/** Most architectures `space sample` draws in one call. */
export const MAX_SAMPLES = 100_000;

export function spaceSample(name: string, flags: { n?: string; seed?: string; json?: boolean }): string {
  const space = getSpace(name);
  const n = integerFlag(flags.n ?? '1', '--n', 1);
  // Checked before anything is drawn: the output is built in memory (about 100 bytes per NB201 cell,
  // several hundred per NB101 cell), so a huge --n would run for minutes and then exhaust the heap.
  if (n > MAX_SAMPLES) {
    throw new NaskitError(
      'invalid_argument',
      `--n ${flags.n}: at most ${MAX_SAMPLES.toLocaleString('en-US')} architectures per call; ` +
        'draw more with several calls and different --seed values',
    );
  }
  const seed = integerFlag(flags.seed ?? '0', '--seed', 0);
  const rng = new Rng(seed);
  const archs = Array.from({ length: n }, () => space.sample(rng));
  const rows = archs.map((a) => ({ arch: space.format(a), key: space.key(a) }));
  if (flags.json) return `${JSON.stringify(rows, null, 2)}\n`;
  return rows.map((r) => (r.key === r.arch ? r.arch : `${r.key}\t${r.arch}`)).join('\n') + '\n';
}

export function spaceHash(
  name: string,
  archs: readonly string[],
  flags: { file?: string; json?: boolean },
): string {
  const space = getSpace(name);
  const rows = readArchitectures(`space hash ${name}`, archs, flags.file).map((input) => {
    const arch = space.parse(input);
    return { input, arch: space.format(arch), key: space.key(arch) };
  });
  if (flags.json) return `${JSON.stringify(rows, null, 2)}\n`;
  return rows.map((r) => r.key).join('\n') + '\n';
}

export interface ParamsFlags {
  classes?: string;
  input?: string;
  channels?: string;
  cells?: string;
  file?: string;
  json?: boolean;
}

export function spaceParams(name: string, archs: readonly string[], flags: ParamsFlags): string {
  const space = getSpace(name);
  const build = space.build?.bind(space);
  if (!build) {
    const able = spaceNames.filter((n) => getSpace(n).build !== undefined);
    throw new NaskitError(
      'invalid_argument',
      `space params: '${name}' has no network builder; spaces with one: ${able.join(', ')}`,
    );
  }
  const config: NetworkConfig = {
    classes: integerFlag(flags.classes ?? '10', '--classes', 1),
    inputShape: inputShapeFlag(flags.input ?? '3x32x32'),
    ...(flags.channels !== undefined ? { channels: integerFlag(flags.channels, '--channels', 1) } : {}),
    ...(flags.cells !== undefined ? { cells: integerFlag(flags.cells, '--cells', 1) } : {}),
  };
  const rows = readArchitectures(`space params ${name}`, archs, flags.file).map((input) => {
    const arch = space.parse(input);
    return { input, arch: space.format(arch), params: countTrainableParams(build(arch, config)) };
  });
  if (flags.json) return `${JSON.stringify(rows, null, 2)}\n`;
  return rows.map((r) => (r.params / 1e6).toFixed(6)).join('\n') + '\n';
}

function inputShapeFlag(value: string): [number, number, number] {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(value.trim());
  const dims = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (dims.length !== 3 || dims.some((d) => d < 1)) {
    throw new NaskitError(
      'invalid_argument',
      `--input expects CxHxW with positive integers, e.g. 3x32x32 or 1x28x28; got '${value}'`,
    );
  }
  return dims as [number, number, number];
}

/** Architectures from the command line and, with --file, one per non-empty line of a file. */
function readArchitectures(command: string, archs: readonly string[], file: string | undefined): string[] {
  const inputs = [...archs];
  if (file !== undefined) {
    const path = resolve(file);
    if (!existsSync(path)) {
      throw new NaskitError(
        'invalid_argument',
        `--file ${path} does not exist; give a file with one architecture per line`,
      );
    }
    inputs.push(
      ...readFileSync(path, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.length > 0),
    );
  }
  if (inputs.length === 0) {
    throw new NaskitError(
      'invalid_argument',
      `${command}: no architectures given; pass them as arguments (quote JSON) or with --file F`,
    );
  }
  return inputs;
}

export function spaceIndex(name: string, items: readonly string[]): string {
  if (name !== 'nb201') {
    getSpace(name); // unknown names get the list of valid ones
    throw new NaskitError('invalid_argument', `space index: only nb201 has an official index, not '${name}'`);
  }
  return (
    items
      .map((item) =>
        /^\d+$/.test(item.trim())
          ? nb201.format(nb201.fromIndex(Number(item)))
          : String(nb201.index(nb201.parse(item))),
      )
      .join('\n') + '\n'
  );
}

function integerFlag(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new NaskitError('invalid_argument', `${flag} expects an integer >= ${min}, got '${value}'`);
  }
  return n;
}
