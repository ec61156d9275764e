/**
 * `naskit run [config]`: find, train and export an architecture for a dataset (see
 * src/experiments/run/runner.ts). Flags are a table keyed by config fields, so every flag can also be
 * set in the config file; a flag given on the command line wins over the file.
 */
import { Command } from 'commander';
import { watchRedis } from '../distributed/connection.js';
import { queueRunRemote } from '../distributed/run.js';
import { DATASET_HELP } from '../data/catalog.js';
import { parseRunConfig, readConfigFile, setField } from '../experiments/run/config.js';
import { RUN_SPACES } from '../experiments/run/plan.js';
import { defaultProxies } from '../experiments/run/proxy-choice.js';
import { resumeRun, startRun, type RunIo } from '../experiments/run/runner.js';
import { deadlineText } from '../experiments/run/report/content.js';
import type { RunSummary } from '../experiments/run/summary.js';
import { createProgress } from '../experiments/progress.js';
import { NaskitError } from '../util/errors.js';
import { parseNonNegativeInt, parseNumber, parsePositiveInt } from './parse.js';

/** CLI option (commander's camelCase name) → config field. */
const FLAG_FIELDS: Record<string, string> = {
  dataset: 'dataset',
  dataDir: 'data_dir',
  out: 'out',
  space: 'space',
  budgetMinutes: 'budget_minutes',
  seed: 'seed',
  threads: 'threads',
  channels: 'network.channels',
  cells: 'network.cells',
  samples: 'search.samples',
  topK: 'search.top_k',
};

/** The default proxies of every space, e.g. 'epsilon+params on nb201, nb101; nwot+params on darts'. */
function defaultProxiesText(): string {
  const bySet = new Map<string, string[]>();
  for (const space of RUN_SPACES) {
    const set = defaultProxies(space).join('+');
    bySet.set(set, [...(bySet.get(set) ?? []), space]);
  }
  return [...bySet].map(([set, spaces]) => `${set} on ${spaces.join(', ')}`).join('; ');
}

/** Flags that do not change results and so may accompany --resume. */
const RESUME_FLAGS = new Set(['threads', 'dataDir', 'quiet', 'json', 'resume', 'redis', 'remoteFinal']);

const HELP_AFTER = `
Configuration: every flag is also a config field (YAML or JSON file, snake_case):
  dataset, data_dir, out, space, seed, budget_minutes, threads,
  network: {channels, cells}, search: {proxies, samples, top_k},
  short_train: {images, epochs, batch_size, lr, val_images},
  final: {epochs, images, batch_size, lr, train_on, baselines}, cost: {train_ms_per_image, eval_ms_per_image, proxy_ms_per_arch, compile_ms, fixed_s}
Phase sizes not set are derived from --budget-minutes by the cost model (src/experiments/run/plan.ts).
The budget is a deadline: the run measures its pace as it goes and, when it would overrun, shrinks
what remains (fewer candidates, then fewer final epochs, then fewer final images); summary.json and
the report say what was shrunk.

Spaces (--space): ${RUN_SPACES.join(', ')}; nb201 is the default. Every candidate is built, trained
and exported as the space's network; --channels and --cells are its width and depth: nb201 first-stage
channels and cells per stage, nb101 stem channels and modules per stack, darts C and cells in all,
tnb101-micro base channels (even) and cells per layer.
search.proxies defaults to ${defaultProxiesText()}.

Datasets: ${DATASET_HELP}.
Bring your own data: write your images and labels as IDX files (uint8 images [N,H,W] or [N,C,H,W],
labels [N]; e.g. with writeIdxDataset from src/data/idx.ts) and pass --dataset idx:images.gz,labels.gz
(add test files as a third and fourth path; without them 1/6 of the images is held out for testing).

Output: runs/<run-id>/ (or --out DIR) with config.json, results.jsonl, model.onnx, model.safetensors,
summary.json, report.html and report.md. An interrupted run continues with --resume DIR.

On several machines (--redis URL; start 'naskit worker --redis URL' on each): the proxy scoring (jobs
of about 64 architectures), every short training (one job per candidate, all sent at once) and, with
--remote-final, each final training (one job for all its epochs) run on the workers; this process keeps
the run directory, the store and the deadline, and writes the model from the weights a worker returns.
Same seed, same answer as in process (workers load the named dataset from their own --data-dir and
refuse a copy whose hash differs; idx:/cifar100: file sets are refused with --redis). Stopped, the run
continues with 'naskit run --resume DIR --redis URL': finished jobs come back from Redis, jobs in flight
carry on. The deadline is checked as each candidate's result comes back; when it lowers their number,
jobs no worker has taken yet are withdrawn and the others are no longer waited for. A final training on
a worker runs the epochs decided before it starts: the checks after each epoch do not apply (a job
cannot be shortened mid-way), so slow workers can make the run end after its budget; the baselines
are still checked before each starts. A network too large to return as a job result (over 64 MiB of
weights as text) is trained in this process.`;

export function register(program: Command): void {
  program
    .command('run')
    .description(
      'Find an architecture for a dataset (proxy scoring, short training, final training), export it to ONNX and write a report',
    )
    .argument('[config]', 'config file (.yaml, .yml or .json); flags override its fields')
    .option('--dataset <spec>', 'dataset (see below; default fashion-mnist)')
    .option('--data-dir <dir>', 'data directory for mnist/cifar10 (default: $NASKIT_DATA)')
    .option('--space <space>', `search space: ${RUN_SPACES.join(', ')} (default nb201)`)
    .option('--budget-minutes <m>', 'time budget in minutes; scales every phase (default 10)', parseNumber)
    .option('--seed <n>', 'random seed (default 0)', parseNonNegativeInt)
    .option('--threads <n>', 'ONNX Runtime threads (default: core count)', parsePositiveInt)
    .option(
      '--channels <n>',
      'network width (nb201: channels of the first stage; see below)',
      parsePositiveInt,
    )
    .option('--cells <n>', 'network depth (nb201: cells per stage; see below)', parsePositiveInt)
    .option('--samples <n>', 'architectures to sample and score (default: from the budget)', parsePositiveInt)
    .option(
      '--top-k <n>',
      'best-scored architectures to short-train (default: from the budget)',
      parsePositiveInt,
    )
    .option(
      '--no-baselines',
      'do not train the two baselines (heaviest and a random architecture) the winner is compared with',
    )
    .option('--out <dir>', 'run directory (default: runs/<run-id>)')
    .option('--resume <dir>', 'continue an interrupted run in DIR (its configuration is read from DIR)')
    .option(
      '--redis <url>',
      'send proxy scoring and short trainings as jobs to naskit workers sharing this Redis (see below)',
    )
    .option(
      '--remote-final',
      'with --redis: train the winner and the baselines on workers too (else in this process)',
    )
    .option('--quiet', 'no progress output')
    .option('--json', 'print the summary as JSON on stdout, nothing else')
    .addHelpText('after', HELP_AFTER)
    .action(async (configPath: string | undefined, opts: Record<string, unknown>, command: Command) => {
      const quiet = Boolean(opts.quiet || opts.json);
      const log = quiet ? () => {} : (m: string) => process.stderr.write(`${m}\n`);
      if (opts.remoteFinal && typeof opts.redis !== 'string') {
        throw new NaskitError(
          'invalid_argument',
          '--remote-final sends the final trainings to naskit workers: give --redis URL too',
        );
      }
      // An unreachable Redis or refused credentials fail here, before a run directory is made.
      if (typeof opts.redis === 'string') await (await watchRedis(opts.redis, log)).close();
      const io: RunIo = {
        progress: createProgress(quiet ? 'quiet' : 'auto'),
        log,
        interruptible: stopOnSignals,
        ...(typeof opts.redis === 'string'
          ? { remote: queueRunRemote({ redis: opts.redis, remoteFinal: Boolean(opts.remoteFinal), log }) }
          : {}),
      };
      let summary: RunSummary;
      if (typeof opts.resume === 'string') {
        const extra = Object.keys(opts).filter(
          (k) => command.getOptionValueSource(k) === 'cli' && !RESUME_FLAGS.has(k),
        );
        if (configPath || extra.length > 0) {
          throw new NaskitError(
            'invalid_argument',
            `--resume reads the configuration from the run directory; drop ${[configPath, ...extra.map(flagName)].filter(Boolean).join(', ')} ` +
              '(only --threads, --data-dir, --redis, --remote-final, --quiet and --json may accompany it)',
          );
        }
        summary = await resumeRun(
          opts.resume,
          { threads: opts.threads as number | undefined, dataDir: opts.dataDir as string | undefined },
          io,
        );
      } else {
        const raw: Record<string, unknown> = configPath ? readConfigFile(configPath) : {};
        for (const [flag, field] of Object.entries(FLAG_FIELDS)) {
          if (opts[flag] !== undefined) setField(raw, field, opts[flag]);
        }
        // Commander defaults a --no-X flag to true: only an explicit --no-baselines overrides the file.
        if (command.getOptionValueSource('baselines') === 'cli') setField(raw, 'final.baselines', false);
        const source = configPath
          ? `config ${configPath} (with command-line flags)`
          : 'the run configuration from the command-line flags';
        summary = await startRun(parseRunConfig(raw, source), undefined, io);
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      printSummary(summary, quiet);
    });
}

/**
 * Ctrl-C (SIGINT/SIGTERM) while a run holds its directory: the store already holds every finished piece
 * of work, so free the lock, say how to continue, and exit 130 at once. Returns the function that
 * removes the handlers.
 */
function stopOnSignals(dir: string, release: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    release();
    process.stderr.write(`\nnaskit: ${signal}: stopped; continue with 'naskit run --resume ${dir}'\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function printSummary(s: RunSummary, quiet: boolean): void {
  if (quiet) {
    process.stdout.write(`${s.run_dir}\n`);
    return;
  }
  const correlations = s.proxy_correlation
    .map((c) => `${c.proxy} ${c.spearman === null ? 'n/a' : c.spearman.toFixed(2)} (n=${c.n})`)
    .join(', ');
  process.stdout.write(
    [
      `architecture   ${s.arch}`,
      `network        ${s.space}, channels ${s.network.channels}, cells ${s.network.cells_per_stage}, ${s.params} params`,
      `test accuracy  ${s.test_accuracy.toFixed(2)}% (${s.test_images} test images; validation ${s.val_accuracy.toFixed(2)}%)`,
      `search         ${s.samples_scored} scored, top ${s.candidates.length} short-trained`,
      `               Spearman with validation accuracy over them: ${correlations}`,
      ...baselineLines(s),
      `time           ${s.elapsed_s.toFixed(1)} s (budget ${s.budget_minutes} min)`,
      `deadline       ${deadlineText(s)}`,
      `run directory  ${s.run_dir}`,
      `               ${s.onnx}, ${s.checkpoint}, summary.json, ${s.report}, report.md`,
    ].join('\n') + '\n',
  );
}

/** The winner against the baselines, e.g. 'baselines      heaviest 81.20% (+2.10), random 77.00% (+6.30)'. */
function baselineLines(s: RunSummary): string[] {
  if (!s.baselines?.length) return [];
  const text = s.baselines
    .map(
      (b) =>
        `${b.name} ${b.test_accuracy.toFixed(2)}% (winner ${b.winner_gain >= 0 ? '+' : ''}${b.winner_gain.toFixed(2)})`,
    )
    .join(', ');
  return [`baselines      ${text}`];
}
