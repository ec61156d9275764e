/**
 * `naskit bench <what>`: benchmark commands that print their figures (human-readable, or one JSON
 * object with --json). Speed claims in the README come from these commands. Each subcommand parses
 * its flags and calls one function of `experiments/bench/`, which runs the bench and formats it.
 */
import type { Command } from 'commander';
import { runCompileBench, type CompileBenchFlags } from '../experiments/bench/compile.js';
import { runConvGradBench, type ConvGradBenchFlags } from '../experiments/bench/conv-grad.js';
import { runEngineBench, type EngineBenchFlags } from '../experiments/bench/engine.js';
import { runPredictorBench, type PredictorBenchFlags } from '../experiments/bench/predictor.js';
import { runProxiesBench, type ProxiesBenchFlags } from '../experiments/bench/proxies.js';
import { runQueryBench, type QueryBenchFlags } from '../experiments/bench/query.js';
import { runSessionsBench, type SessionsBenchFlags } from '../experiments/bench/sessions.js';
import { runSupernetBench, type SupernetBenchFlags } from '../experiments/bench/supernet.js';
import type { QueueBenchFlags } from '../distributed/bench.js';
import { BENCH_PROXIES } from '../experiments/proxies/bench.js';
import { parseNonNegativeInt, parseNumber, parsePositiveInt } from './parse.js';

export function register(program: Command): void {
  const bench = program.command('bench').description('Benchmarks that print measured figures');

  bench
    .command('engine')
    .description(
      'NB201 network (all nor_conv_3x3, C=16, N=5, 32x32, batch 64, BN training mode): median forward and ' +
        'training-step time, peak RSS',
    )
    .option('--threads <n>', 'ONNX Runtime intra-op threads (default: core count)', parsePositiveInt)
    .option('--batch <n>', 'batch size', parsePositiveInt, 64)
    .option('--repeats <n>', 'timed repetitions (median reported)', parsePositiveInt, 10)
    .option('--warmup <n>', 'untimed warm-up repetitions', parsePositiveInt, 3)
    .option('--compare-torch', 'also time the same network in PyTorch (python3 with torch) in this run')
    .option(
      '--no-fanout',
      "run each conv edge as its own Conv + BN instead of one per node and op (the proxies' network)",
    )
    .option('--profile', 'also break the training step down by op type (ONNX Runtime kernel times)')
    .option('--json', 'print one JSON object')
    .action(async (opts: EngineBenchFlags) => {
      process.stdout.write(await runEngineBench(opts));
    });

  bench
    .command('compile')
    .description(
      "A mixed supernet's training graph: node count, build time and ONNX Runtime session creation",
    )
    .option('--space <name>', 'darts or nb201', 'darts')
    .option('--cells <n>', 'cells (darts: total, search setting 8; nb201: per stage, 5)', parsePositiveInt)
    .option('--channels <n>', 'channels of the first stage', parsePositiveInt, 16)
    .option('--batch <n>', 'batch size', parsePositiveInt, 16)
    .option('--threads <n>', 'ONNX Runtime intra-op threads (default: core count)', parsePositiveInt)
    .option('--compare-ort-cse', "also create the session with ORT's common-subexpression pass on (slow)")
    .option('--json', 'print one JSON object')
    .action(async (opts: CompileBenchFlags) => {
      process.stdout.write(await runCompileBench(opts));
    });

  bench
    .command('sessions')
    .description('Memory over many create/run/release cycles of a training-step program (no growth expected)')
    .option('--cycles <n>', 'create/run/release cycles', parsePositiveInt, 1000)
    .option('--threads <n>', 'ONNX Runtime intra-op threads (default: core count)', parsePositiveInt)
    .option('--json', 'print one JSON object')
    .action(async (opts: SessionsBenchFlags) => {
      process.stdout.write(await runSessionsBench(opts));
    });

  bench
    .command('conv-grad')
    .description('Conv gradient formulations side by side (weight and input gradients) on NAS shape classes')
    .option('--threads <n>', 'ONNX Runtime intra-op threads (default: core count)', parsePositiveInt)
    .option('--batch <n>', 'batch size', parsePositiveInt, 64)
    .option('--repeats <n>', 'timed repetitions (median reported)', parsePositiveInt, 5)
    .option('--json', 'print one JSON object')
    .action(async (opts: ConvGradBenchFlags) => {
      process.stdout.write(await runConvGradBench(opts));
    });

  bench
    .command('query')
    .description('NAS-Bench-201 lookups per second (target >= 1e6/s) and table load time')
    .option('--data-dir <dir>', 'data directory (default: $NASKIT_DATA)')
    .option('--dataset <name>', 'cifar10, cifar100 or ImageNet16-120', 'cifar10')
    .option('--seconds <s>', 'seconds per measurement', parseNumber, 1)
    .option('--json', 'print one JSON object')
    .action(async (opts: QueryBenchFlags) => {
      process.stdout.write(await runQueryBench(opts));
    });

  bench
    .command('predictor')
    .description('Predictor training speed: GCN and MLP fit on 100 NB201 architectures (target: GCN <= 10 s)')
    .option('--archs <n>', 'architectures to fit on', parsePositiveInt, 100)
    .option('--json', 'print one JSON object')
    .action(async (opts: PredictorBenchFlags) => {
      process.stdout.write(await runPredictorBench(opts));
    });

  bench
    .command('proxies')
    .description(
      'Zero-cost proxies on NB201 CIFAR-10 cells (batch 32; epsilon family 256): wall-clock seconds per architecture, each proxy ' +
        'timed alone (compiling each cell included)',
    )
    .option('--data-dir <dir>', 'data directory with images/ (default: $NASKIT_DATA)')
    .option('--n <n>', 'architectures timed per proxy (seeded NB201 sample)', parsePositiveInt, 10)
    .option('--proxies <list>', 'comma-separated proxy names', BENCH_PROXIES.join(','))
    .option('--seed <seed>', 'seed of the sample, the batch and the initializations', parseNonNegativeInt, 0)
    .option('--threads <n>', 'ONNX Runtime threads per program (default 1)', parsePositiveInt)
    .option(
      '--concurrency <n>',
      'architectures in flight per thread (default 2; they take turns)',
      parsePositiveInt,
    )
    .option(
      '--workers <n>',
      'worker threads pulling chunks of the cells from one queue (default: the cores)',
      parsePositiveInt,
    )
    .option('--together', 'also time all the proxies run together, sharing runs as `proxies eval` does')
    .option('--json', 'print one JSON object')
    .action(async (opts: ProxiesBenchFlags) => {
      process.stdout.write(await runProxiesBench(opts));
    });

  bench
    .command('queue')
    .description(
      'The Redis job queue: round trip of tiny jobs (median, p90; target median <= 5 ms on localhost), and proxy ' +
        'scoring throughput in process (1, 2 threads) against 1 and 2 queue workers of 1 thread each',
    )
    .requiredOption('--redis <url>', 'redis://[:password@]host:port[/db], or rediss:// for TLS')
    .option('--jobs <n>', 'tiny jobs timed one after another', parsePositiveInt, 200)
    .option('--archs <n>', 'NB201 cells scored per throughput figure', parsePositiveInt, 48)
    .option('--proxies <list>', 'comma-separated proxy names for the throughput', 'synflow,nwot')
    .option(
      '--dataset <name>',
      'images of the data-dependent proxies (fashion-mnist, mnist built in)',
      'mnist',
    )
    .option('--chunk <n>', 'cells per job in the throughput runs', parsePositiveInt, 4)
    .option('--seed <seed>', 'seed of the cells, the batch and the initializations', parseNonNegativeInt, 0)
    .option('--json', 'print one JSON object')
    .action(async (opts: QueueBenchFlags) => {
      // Loaded on use: the queue client is not needed by the other benches.
      const { runQueueBench } = await import('../distributed/bench.js');
      process.stdout.write(await runQueueBench(opts));
    });

  bench
    .command('supernet')
    .description(
      'Supernet training cost: program load time, median weight step and α step (mixed), or single-path steps ' +
        'against the same cells as standalone networks; optionally PyTorch side by side',
    )
    .option('--space <name>', 'nb201 or darts', 'nb201')
    .option('--mode <mode>', 'mixed or single-path', 'mixed')
    .option('--channels <n>', 'supernet width (first-stage C)', parsePositiveInt, 16)
    .option('--cells <n>', 'nb201: cells per stage (5); darts: cells (8)', parsePositiveInt)
    .option('--batch <n>', 'batch size (default: nb201 64, darts 16)', parsePositiveInt)
    .option('--resolution <px>', 'input side: 32 or 16', parsePositiveInt, 32)
    .option('--threads <n>', 'ONNX Runtime intra-op threads (default: core count)', parsePositiveInt)
    .option('--repeats <n>', 'timed repetitions per figure (median reported)', parsePositiveInt, 10)
    .option('--warmup <n>', 'untimed warm-up repetitions', parseNonNegativeInt, 3)
    .option('--paths <n>', 'single-path: random paths to average over', parsePositiveInt, 20)
    .option(
      '--compare-torch',
      'mixed: also time the same supernet in PyTorch (python3 with torch) in this run',
    )
    .option('--json', 'print one JSON object')
    .action(async (opts: SupernetBenchFlags) => {
      process.stdout.write(await runSupernetBench(opts));
    });
}
