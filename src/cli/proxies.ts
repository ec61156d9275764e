/**
 * `naskit proxies`: zero-cost proxies.
 *   proxies list [--json]
 *   proxies score --space S --proxies LIST (--file F | <arch>...) [--data-dir D] [--seed S] [--json]
 *   proxies eval --space S --dataset D --proxies LIST [--sample N | --all] [--seed S] [--data-dir D]
 *                [--cache FILE] [--metric M] [--json]
 *   (score and eval: --redis URL sends chunks of the architectures to naskit workers)
 * Scores are oriented so that higher = better; null marks a failed (NaN/Inf) score.
 */
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createProgress } from '../experiments/progress.js';
import { createProxyContext, proxyDataDir } from '../proxies/context.js';
import { evaluateProxies } from '../experiments/proxies/evaluate.js';
import { getProxy, proxyNames, resolveProxies } from '../proxies/index.js';
import { scoreArchitectures, type ArchScorer, type ScoreProgress } from '../proxies/run.js';
import { getSpace } from '../spaces/index.js';
import { NaskitError } from '../util/errors.js';
import { parseList } from './parse.js';

interface CommonFlags {
  space: string;
  proxies: string;
  dataDir?: string;
  seed: string;
  threads?: string;
  concurrency?: string;
  workers?: string;
  redis?: string;
  json?: boolean;
}

/** --threads, --concurrency and --workers (score and eval). */
function withComputeOptions(command: Command): Command {
  return command
    .option('--threads <n>', 'ONNX Runtime threads per program')
    .option(
      '--concurrency <n>',
      'architectures in flight per thread (they take turns: ORT runs block the thread)',
    )
    .option(
      '--workers <n>',
      `worker threads pulling chunks of the architectures from one queue (default: the ${availableParallelism()} cores)`,
    )
    .option(
      '--redis <url>',
      'score the architectures as jobs on naskit workers sharing this Redis (--threads, --concurrency and --workers are then set on each worker)',
    );
}

/** With --redis, the scorer that sends chunks to workers; the local compute flags then have no meaning. */
async function remoteScorer(flags: CommonFlags): Promise<ArchScorer | undefined> {
  if (flags.redis === undefined) return undefined;
  for (const [flag, value] of [
    ['--threads', flags.threads],
    ['--concurrency', flags.concurrency],
    ['--workers', flags.workers],
  ] as const) {
    if (value !== undefined) {
      throw new NaskitError(
        'invalid_argument',
        `${flag} sets this machine's compute; with --redis give each naskit worker its own (--concurrency, --threads)`,
      );
    }
  }
  const { queueScorer } = await import('../distributed/proxies.js');
  return queueScorer({ redis: flags.redis, log: (m) => process.stderr.write(`naskit: ${m}\n`) });
}

export function register(program: Command): void {
  const proxies = program
    .command('proxies')
    .description('zero-cost proxies: list, score architectures, evaluate on a benchmark');

  proxies
    .command('list')
    .description('the registered proxies with their sign convention')
    .option('--json', 'print JSON')
    .action((flags: { json?: boolean }) => {
      process.stdout.write(listProxies(flags));
    });

  withComputeOptions(
    proxies
      .command('score [arch...]')
      .description('score architectures (any string form the space accepts); higher = better, null = failed')
      .requiredOption('--space <name>', 'search space: nb201, nb101, ...')
      .requiredOption('--proxies <list>', `comma-separated proxy names or 'all' (${proxyNames.join(', ')})`)
      .option('--file <path>', 'read architectures from a file, one per line')
      .option(
        '--dataset <name>',
        'images the data-dependent proxies look at: cifar10 (needs a data folder), fashion-mnist or mnist (built in)',
        'cifar10',
      )
      .option(
        '--data-dir <dir>',
        'data folder with images/ (default $NASKIT_DATA; not needed for built-in sets)',
      )
      .option('--seed <seed>', 'seed of the proxies (batch choice, random inits)', '0'),
  )
    .option('--json', 'print {"scores": [{"arch", "<proxy>": number|null}, ...]}')
    .action(async (archs: string[], flags: CommonFlags & { file?: string; dataset: string }) => {
      process.stdout.write(await scoreCommand(archs, flags));
    });

  withComputeOptions(
    proxies
      .command('eval')
      .description(
        'rank correlation of proxies with a benchmark accuracy (failures count as the worst score)',
      )
      .requiredOption('--space <name>', 'nb201 or nb101')
      .requiredOption('--proxies <list>', `comma-separated proxy names or 'all'`)
      .option('--dataset <name>', 'benchmark dataset (nb201: cifar10, cifar100, ImageNet16-120)', 'cifar10')
      .option('--sample <n>', 'architectures sampled from the table', '1000')
      .option('--all', 'every architecture of the table that has a cell')
      .option('--seed <seed>', 'seed of the sample and of the proxies', '0')
      .option('--data-dir <dir>', 'data folder (default $NASKIT_DATA)')
      .option(
        '--cache <file>',
        'resumable JSONL score cache (append-only; reruns continue where they stopped)',
      )
      .option('--metric <name>', "accuracy column (default: the table's test metric)")
      .option(
        '--source <kind>',
        "'table' (full benchmark) or 'suite-zero' (NAS-Bench-Suite-Zero samples; adds ρ against their published scores)",
      ),
  )
    .option('--json', 'print one JSON object')
    .action(
      async (
        flags: CommonFlags & {
          dataset: string;
          sample: string;
          all?: boolean;
          cache?: string;
          metric?: string;
        },
      ) => {
        process.stdout.write(await evalCommand(flags));
      },
    );
}

export function listProxies(flags: { json?: boolean } = {}): string {
  const rows = proxyNames.map((n) => {
    const p = getProxy(n);
    return {
      name: p.name,
      direction: p.direction,
      data: p.data,
      spaces: p.spaces ?? 'any buildable',
      description: p.description,
    };
  });
  if (flags.json) return `${JSON.stringify(rows, null, 2)}\n`;
  return rows
    .map((r) => `${r.name.padEnd(16)} ${r.description}`)
    .join('\n')
    .concat('\n');
}

function readArchs(archs: readonly string[], file: string | undefined): string[] {
  const list = [...archs];
  if (file !== undefined) {
    if (!existsSync(file)) throw new NaskitError('data_missing', `--file ${file} does not exist`);
    list.push(
      ...readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#')),
    );
  }
  if (list.length === 0)
    throw new NaskitError('invalid_argument', 'no architectures: pass them as arguments or with --file');
  return list;
}

function optionalInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new NaskitError('invalid_argument', `${flag} must be a positive integer, got '${value}'`);
  return n;
}

function seedOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new NaskitError('invalid_argument', `--seed must be a non-negative integer, got '${value}'`);
  return n;
}

function progressReporter(quiet: boolean): { report: (p: ScoreProgress) => void; stop: () => void } {
  const progress = createProgress(quiet ? 'quiet' : 'auto');
  let current = '';
  return {
    report(p) {
      if (p.proxy !== current) {
        progress.stop();
        progress.start(`proxy ${p.proxy}`, p.total);
        current = p.proxy;
      }
      progress.update(p.done);
    },
    stop: () => progress.stop(),
  };
}

export async function scoreCommand(
  archTexts: readonly string[],
  flags: CommonFlags & { file?: string; dataset: string },
): Promise<string> {
  const space = getSpace(flags.space);
  const proxies = resolveProxies(parseList(flags.proxies));
  const texts = readArchs(archTexts, flags.file);
  const archs = texts.map((t) => space.parse(t));
  const remote = await remoteScorer(flags);
  const threads = optionalInt(flags.threads, '--threads');
  const concurrency = optionalInt(flags.concurrency, '--concurrency');
  const workers = optionalInt(flags.workers, '--workers') ?? availableParallelism();
  const dataDir = proxyDataDir(proxies, flags.dataset, flags.dataDir);
  const context = createProxyContext({
    space,
    dataset: flags.dataset,
    seed: seedOf(flags.seed),
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(threads === undefined ? {} : { threads }),
    ...(concurrency === undefined ? {} : { concurrency }),
    workers,
  });
  const progress = progressReporter(flags.json === true || archs.length < 20);
  const scores = await (remote ?? scoreArchitectures)({
    context,
    proxies,
    archs,
    onProgress: progress.report,
  });
  progress.stop();
  if (flags.json) {
    return `${JSON.stringify({
      scores: archs.map((a, i) => ({
        arch: space.format(a),
        ...Object.fromEntries(proxies.map((p) => [p.name, scores.get(p.name)![i]!.value])),
      })),
      failures: archs.flatMap((a, i) =>
        proxies.flatMap((p) => {
          const v = scores.get(p.name)![i]!;
          return v.value === null ? [{ arch: space.format(a), proxy: p.name, reason: v.failure }] : [];
        }),
      ),
    })}\n`;
  }
  const lines: string[] = [];
  archs.forEach((a, i) => {
    lines.push(space.format(a));
    for (const p of proxies) {
      const v = scores.get(p.name)![i]!;
      lines.push(`  ${p.name.padEnd(16)} ${v.value === null ? `null (${v.failure})` : fmt(v.value)}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(4) : x.toFixed(4);
}

export async function evalCommand(
  flags: CommonFlags & {
    dataset: string;
    sample: string;
    all?: boolean;
    cache?: string;
    metric?: string;
    source?: string;
  },
): Promise<string> {
  if (flags.source !== undefined && flags.source !== 'table' && flags.source !== 'suite-zero') {
    throw new NaskitError(
      'invalid_argument',
      `--source must be 'table' or 'suite-zero', got '${flags.source}'`,
    );
  }
  const remote = await remoteScorer(flags);
  const progress = progressReporter(flags.json === true);
  const threads = optionalInt(flags.threads, '--threads');
  const concurrency = optionalInt(flags.concurrency, '--concurrency');
  const workers = optionalInt(flags.workers, '--workers') ?? availableParallelism();
  const result = await evaluateProxies({
    space: flags.space,
    dataset: flags.dataset,
    proxies: parseList(flags.proxies),
    seed: seedOf(flags.seed),
    ...(flags.all ? { all: true } : { sample: optionalInt(flags.sample, '--sample')! }),
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
    ...(flags.cache === undefined ? {} : { cachePath: flags.cache }),
    ...(flags.metric === undefined ? {} : { metric: flags.metric }),
    ...(flags.source === undefined ? {} : { source: flags.source as 'table' | 'suite-zero' }),
    ...(threads === undefined ? {} : { threads }),
    ...(concurrency === undefined ? {} : { concurrency }),
    workers,
    onProgress: progress.report,
    ...(remote === undefined ? {} : { scorer: remote }),
  });
  progress.stop();
  if (flags.json) {
    return `${JSON.stringify({ space: result.space, dataset: result.dataset, metric: result.metric, n: result.n, proxies: result.proxies })}\n`;
  }
  const header = `${result.space}/${result.dataset} · ${result.n} architectures · accuracy ${result.metric} · failures count as the worst score`;
  const cols = ['proxy', 'spearman', 'kendall', 'rho_finite', 'top10_tau', 'nan_rate', 'sec/arch', 'rho_ref'];
  const lines = [header, cols.map((c, i) => (i === 0 ? c.padEnd(16) : c.padStart(11))).join('')];
  for (const [name, s] of Object.entries(result.proxies)) {
    const f = (x: number | undefined, d = 3) =>
      (x !== undefined && Number.isFinite(x) ? x.toFixed(d) : 'n/a').padStart(11);
    lines.push(
      name.padEnd(16) +
        f(s.spearman) +
        f(s.kendall) +
        f(s.spearman_finite) +
        f(s.top10_kendall) +
        f(s.nan_rate) +
        f(s.sec_per_arch, 4) +
        f(s.reference_spearman),
    );
  }
  return `${lines.join('\n')}\n`;
}
