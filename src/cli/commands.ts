/**
 * The list of CLI verbs. Each verb lives in `src/cli/<verb>.ts`, which exports `register(program)`
 * adding the command with its subcommands. The modules are imported only when their verb is invoked,
 * so `naskit --help` stays fast; the help listing is drawn from the name, argument summary and
 * description kept here (a test checks they match what each module registers).
 * Add a verb by writing its module and listing it here.
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export interface Verb {
  name: string;
  /** What `naskit --help` shows after the name, e.g. `[options] <source>` ('' when nothing). */
  args: string;
  description: string;
  load: () => Promise<{ register: RegisterCommand }>;
}

export const verbs: readonly Verb[] = [
  {
    name: 'search',
    args: '[options]',
    description:
      'run a search strategy over several seeds: black-box strategies on a tabular benchmark (honest: test of ' +
      'best-val arch), or supernet searches (DARTS, less-local DARTS, GeNAS) on images',
    load: () => import('./search.js'),
  },
  {
    name: 'space',
    args: '',
    description: 'inspect search spaces: info, sample, hash, index, params',
    load: () => import('./space.js'),
  },
  {
    name: 'bench',
    args: '',
    description: 'Benchmarks that print measured figures',
    load: () => import('./bench.js'),
  },
  {
    name: 'train',
    args: '[options]',
    description:
      'Train a network on a dataset, evaluate it on the test split, save a checkpoint and export ONNX',
    load: () => import('./train.js'),
  },
  {
    name: 'run',
    args: '[options] [config]',
    description:
      'Find an architecture for a dataset (proxy scoring, short training, final training), export it to ONNX and write a report',
    load: () => import('./run.js'),
  },
  {
    name: 'report',
    args: '<dir>',
    description: 'Regenerate report.html and report.md of a finished run directory',
    load: () => import('./report.js'),
  },
  {
    name: 'export',
    args: '[options] <source>',
    description:
      'Export a trained model (run directory or .safetensors checkpoint) to ONNX, checked against naskit in ONNX Runtime',
    load: () => import('./export.js'),
  },
  {
    name: 'predict',
    args: '',
    description: 'accuracy predictors: settings, few-shot meta-evaluation',
    load: () => import('./predict.js'),
  },
  {
    name: 'proxies',
    args: '',
    description: 'zero-cost proxies: list, score architectures, evaluate on a benchmark',
    load: () => import('./proxies.js'),
  },
  {
    name: 'supernet',
    args: '',
    description: 'Train weight-sharing supernets and score architectures with them',
    load: () => import('./supernet.js'),
  },
  {
    name: 'worker',
    args: '[options]',
    description:
      "take naskit jobs (search seeds, supernet search seeds, proxy chunks, a run's short and final trainings) from a Redis queue and run them until stopped",
    load: () => import('./worker.js'),
  },
  {
    name: 'data',
    args: '',
    description: 'image sets in a data directory: import CIFAR-10 from its official archive',
    load: () => import('./data.js'),
  },
];

/**
 * The verb a command line names (`naskit [--verbose] <verb> …` or `naskit help <verb>`), if any.
 * `args` is argv without the node and script paths. The program's own options take no values, so
 * the first word that is not an option is the verb.
 */
export function invokedVerb(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}
