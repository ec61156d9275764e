/**
 * `naskit bench <what>`: benchmark commands that print their figures (human-readable, or one JSON
 * object with --json). Speed claims in the README come from these commands.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { benchEngine, type EngineProfile } from '../experiments/bench-engine.js';
import { benchSessions } from '../experiments/bench-sessions.js';
import { benchCompile } from '../experiments/bench-compile.js';
import { benchConvGrad, formatConvGradTable } from '../runtime/bench/conv-grad.js';
import { setDefaultThreads } from '../runtime/session.js';
import { parseNonNegativeInt, parseNumber, parsePositiveInt } from './parse.js';
import { benchQuery } from './bench-query.js';
import { benchPredictor } from '../predictors/bench.js';
import { resolveDataDir } from '../util/data-dir.js';
import { BENCH_PROXIES, benchProxies } from '../proxies/bench.js';
import { benchSupernet } from '../experiments/supernet/bench.js';

function formatProfile(p: EngineProfile): string[] {
  const lines = [
    `profile of one training step (ORT kernel ms, mean of ${p.runs} profiled runs; ${p.kernel_ms} ms in all)`,
    ...p.ops
      .filter((r) => r.ms >= 0.5)
      .map(
        (r) => `  ${r.phase.padEnd(9)} ${r.op.padEnd(24)} ${r.ms.toFixed(1).padStart(8)}  (${r.nodes} nodes)`,
      ),
    `multiply-add kernels (Conv, MatMul, Gemm) ${p.arithmetic_ms} of ${p.kernel_ms} ms; forward Conv ${p.conv_forward_ms} ms`,
    `floor     ${p.floor_ms} ms per step if every other kernel were free (train step × multiply-add share)`,
  ];
  return lines;
}

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
    .option('--profile', 'also break the training step down by op type (ONNX Runtime kernel times)')
    .option('--json', 'print one JSON object')
    .action(async (opts) => {
      if (opts.threads) setDefaultThreads(opts.threads);
      const r = await benchEngine({
        threads: opts.threads,
        batch: opts.batch,
        repeats: opts.repeats,
        warmup: opts.warmup,
        compareTorch: Boolean(opts.compareTorch),
        profile: Boolean(opts.profile),
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const lines = [
        `engine        ${r.engine}, ${r.threads} threads, batch ${r.batch}, ${r.params} params`,
        `forward       ${r.forward_ms} ms (median)`,
        `train step    ${r.train_step_ms} ms (median; forward + backward + SGD momentum)`,
        `peak RSS      ${r.peak_rss_mb} MB`,
      ];
      if (r.torch && 'error' in r.torch) lines.push(`pytorch       ${r.torch.error}`);
      else if (r.torch) {
        lines.push(
          `pytorch       ${r.torch.engine}: forward ${r.torch.forward_ms} ms, train step ${r.torch.train_step_ms} ms`,
        );
        lines.push(`ratio         naskit / pytorch train step = ${r.train_step_ratio_vs_torch}`);
      }
      if (r.profile) lines.push('', ...formatProfile(r.profile));
      process.stdout.write(`${lines.join('\n')}\n`);
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
    .action(async (opts) => {
      const r = await benchCompile({
        space: opts.space,
        cells: opts.cells,
        channels: opts.channels,
        batch: opts.batch,
        threads: opts.threads,
        compareOrtCse: Boolean(opts.compareOrtCse),
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const lines = [
        `supernet      ${r.space} mixed, ${r.cells} cells, C=${r.channels}, batch ${r.batch}: ${r.nodes} nodes`,
        `build         ${r.build_ms} ms (network, loss and autodiff in TypeScript)`,
        `session       ${r.create_ms} ms (serialize + ONNX Runtime session creation)`,
      ];
      if (r.create_with_ort_cse_ms !== undefined) {
        lines.push(`with ORT CSE  ${r.create_with_ort_cse_ms} ms (ORT's common-subexpression pass on)`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  bench
    .command('sessions')
    .description('Memory over many create/run/release cycles of a training-step program (no growth expected)')
    .option('--cycles <n>', 'create/run/release cycles', parsePositiveInt, 1000)
    .option('--threads <n>', 'ONNX Runtime intra-op threads (default: core count)', parsePositiveInt)
    .option('--json', 'print one JSON object')
    .action(async (opts) => {
      const r = await benchSessions({ cycles: opts.cycles, threads: opts.threads });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      process.stdout.write(
        [
          `cycles        ${r.cycles} (simple-cnn training step, batch ${r.batch}: create, run once, release)`,
          `time          ${r.ms_per_cycle} ms per cycle`,
          `RSS           ${r.rss_warm_mb} MB after ${r.samples[0]![0]} cycles, ${r.rss_end_mb} MB after ${r.cycles}`,
          `growth        ${r.growth_mb} MB (${r.growth_per_cycle_kb} kB per cycle after warm-up; one live session holds ${r.session_mb} MB)`,
          `samples       ${r.samples.map(([c, mb]) => `${c}:${mb}`).join(' ')}`,
        ].join('\n') + '\n',
      );
    });

  bench
    .command('conv-grad')
    .description('Conv gradient formulations side by side (weight and input gradients) on NAS shape classes')
    .option('--threads <n>', 'ONNX Runtime intra-op threads (default: core count)', parsePositiveInt)
    .option('--batch <n>', 'batch size', parsePositiveInt, 64)
    .option('--repeats <n>', 'timed repetitions (median reported)', parsePositiveInt, 5)
    .option('--json', 'print one JSON object')
    .action(async (opts) => {
      const rows = await benchConvGrad({ threads: opts.threads, batch: opts.batch, repeats: opts.repeats });
      if (opts.json) process.stdout.write(`${JSON.stringify({ rows })}\n`);
      else process.stdout.write(`${formatConvGradTable(rows)}\n`);
    });

  bench
    .command('query')
    .description('NAS-Bench-201 lookups per second (target >= 1e6/s) and table load time')
    .option('--data-dir <dir>', 'data directory (default: $NASKIT_DATA)')
    .option('--dataset <name>', 'cifar10, cifar100 or ImageNet16-120', 'cifar10')
    .option('--seconds <s>', 'seconds per measurement', parseNumber, 1)
    .option('--json', 'print one JSON object')
    .action(async (opts) => {
      const r = await benchQuery({
        dataDir: resolveDataDir(opts.dataDir),
        dataset: opts.dataset,
        seconds: opts.seconds,
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      process.stdout.write(
        `queryKey     ${Math.round(r.queries_per_s).toLocaleString('en-US')} lookups/s\n` +
          `query(arch)  ${Math.round(r.arch_queries_per_s).toLocaleString('en-US')} lookups/s (formats the key too)\n` +
          `table load   ${r.load_ms.toFixed(0)} ms\n`,
      );
    });

  bench
    .command('predictor')
    .description('Predictor training speed: GCN and MLP fit on 100 NB201 architectures (target: GCN <= 10 s)')
    .option('--archs <n>', 'architectures to fit on', parsePositiveInt, 100)
    .option('--json', 'print one JSON object')
    .action(async (opts) => {
      const r = await benchPredictor({ archs: opts.archs });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      process.stdout.write(
        `GCN fit on ${r.archs} archs   ${r.gcn_fit_100_s.toFixed(2)} s (cold), ${r.gcn_fit_100_warm_s.toFixed(2)} s (warm)\n` +
          `MLP fit on ${r.archs} archs   ${r.mlp_fit_100_s.toFixed(2)} s (cold), ${r.mlp_fit_100_warm_s.toFixed(2)} s (warm)\n` +
          `(${r.steps} optimizer steps each)\n`,
      );
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
    .action(async (opts) => {
      const r = await benchProxies({
        dataDir: resolveDataDir(opts.dataDir),
        n: opts.n,
        proxies: String(opts.proxies)
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
        seed: opts.seed,
        threads: opts.threads,
        concurrency: opts.concurrency,
        workers: opts.workers ?? availableParallelism(),
        together: Boolean(opts.together),
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const lines = [
        `NB201 cifar10, batch ${r.batch}, ${r.n} archs, ${r.workers} worker(s) x ${r.threads} thread(s) x ${r.concurrency} in flight, ${r.cores} cores (load ${r.load_avg_start} at start)`,
        ...Object.entries(r.proxies).map(
          ([name, p]) =>
            `  ${name.padEnd(10)} ${p.sec_per_arch.toFixed(3).padStart(8)} s/arch${p.failures ? `  (${p.failures} failed)` : ''}`,
        ),
      ];
      if (r.together)
        lines.push(`  together   ${r.together.sec_per_arch.toFixed(3).padStart(8)} s/arch (shared runs)`);
      process.stdout.write(`${lines.join('\n')}\n`);
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
    .action(async (opts) => {
      if (opts.threads) setDefaultThreads(opts.threads);
      const r = await benchSupernet({
        space: opts.space,
        mode: opts.mode,
        channels: opts.channels,
        cells: opts.cells,
        batch: opts.batch,
        resolution: opts.resolution,
        threads: opts.threads,
        repeats: opts.repeats,
        warmup: opts.warmup,
        paths: opts.paths,
        compareTorch: Boolean(opts.compareTorch),
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const lines = [
        `supernet      ${r.space} ${r.mode}, C=${r.channels}, cells ${r.cells}, ${r.resolution}×${r.resolution}, batch ${r.batch}, ${r.threads} threads, ${r.weights} weights`,
        `load          ${r.load_s} s (build + ONNX Runtime session${r.mode === 'mixed' ? 's: weight and α programs' : ''})`,
        `weight step   ${r.train_step_ms} ms (${r.mode === 'mixed' ? 'median' : `mean over ${r.paths} paths of each path's median`}; forward + backward + clip + SGD)`,
      ];
      if (r.alpha_step_ms !== undefined)
        lines.push(`α step        ${r.alpha_step_ms} ms (median; forward + backward of α + Adam)`);
      if (r.standalone_step_ms !== undefined) {
        lines.push(`standalone    ${r.standalone_step_ms} ms (the same cells as their own networks)`);
        lines.push(
          `ratio         ${r.standalone_ratio} (${r.fed_path ? 'one program, path fed' : 'one program per path'})`,
        );
      }
      if (r.torch_error) lines.push(`pytorch       ${r.torch_error}`);
      else if (r.torch_train_step_ms !== undefined) {
        lines.push(
          `pytorch       weight step ${r.torch_train_step_ms} ms, α step ${r.torch_alpha_step_ms} ms (${r.torch_weights} weights)`,
        );
        lines.push(`ratio         naskit / pytorch weight step = ${r.train_step_ratio_vs_torch}`);
      }
      lines.push(`peak RSS      ${r.peak_rss_mb} MB`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
