/**
 * `naskit bench sessions`: does memory come back when networks are dropped? Creates, runs once and
 * releases the training-step program of a small CNN (a new ONNX Runtime session each time) for many
 * cycles and samples the process RSS: after the first tenth of the cycles (allocator pools and code
 * pages warmed up) and at the end, each after a full garbage collection. A leak of one session's buffers per cycle would show as growth of
 * cycles × that size.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { NetworkSpec } from '../graph/network.js';
import { simpleCnn } from '../nn/simple-cnn.js';
import { ParamStore } from '../runtime/params.js';
import { TrainStep, buildTrainGraph } from '../runtime/train-program.js';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';

export interface SessionBenchOptions {
  cycles?: number;
  threads?: number;
  batch?: number;
}

export interface SessionBenchResult {
  cycles: number;
  batch: number;
  /** RSS after the warm-up tenth of the cycles, and after the last one. */
  rss_warm_mb: number;
  rss_end_mb: number;
  growth_mb: number;
  /** Growth per cycle after warm-up, in kB (what a per-session leak would show as). */
  growth_per_cycle_kb: number;
  ms_per_cycle: number;
  /** RSS one live session costs (20 held at once, after a run each): the scale a per-cycle leak would have. */
  session_mb: number;
  /** RSS samples every tenth of the run: [cycle, MB]. */
  samples: Array<[number, number]>;
}

/** A full V8 collection before each sample, so JS garbage awaiting collection is not read as a leak. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const HELD = 20;

const rssMb = (): number => {
  collectGarbage();
  return process.memoryUsage.rss() / 2 ** 20;
};

export async function benchSessions(options: SessionBenchOptions = {}): Promise<SessionBenchResult> {
  const cycles = options.cycles ?? 1000;
  const batch = options.batch ?? 32;
  if (!Number.isInteger(cycles) || cycles < 10) {
    throw new NaskitError('invalid_argument', `--cycles must be an integer >= 10, got ${cycles}`);
  }
  const net = simpleCnn([1, 28, 28], 10);
  const rng = new Rng(0);
  const params = ParamStore.fromGraph(buildTrainGraph(net, batch).graph, rng);
  const input = Float32Array.from({ length: batch * 28 * 28 }, () => rng.normal());
  const labels = BigInt64Array.from({ length: batch }, () => BigInt(rng.int(10)));
  const every = Math.max(1, Math.floor(cycles / 10));
  const samples: Array<[number, number]> = [];
  const start = process.hrtime.bigint();
  for (let c = 1; c <= cycles; c++) {
    const step = await TrainStep.create(net, {
      batch,
      ...(options.threads ? { threads: options.threads } : {}),
    });
    try {
      await step.run(params, input, labels);
    } finally {
      await step.release();
    }
    if (c % every === 0 || c === cycles) samples.push([c, round(rssMb())]);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const heldMb = await liveSessionMb(net, batch, options.threads, params, input, labels);
  const [warmCycle, warm] = samples[0]!;
  const end = samples[samples.length - 1]![1];
  return {
    cycles,
    batch,
    rss_warm_mb: warm,
    rss_end_mb: end,
    growth_mb: round(end - warm),
    growth_per_cycle_kb: round(((end - warm) * 1024) / Math.max(1, cycles - warmCycle)),
    ms_per_cycle: round(ms / cycles),
    session_mb: round(heldMb),
    samples,
  };
}

/** RSS per live session: HELD training-step programs created and run once, then released. */
async function liveSessionMb(
  net: NetworkSpec,
  batch: number,
  threads: number | undefined,
  params: ParamStore,
  input: Float32Array,
  labels: BigInt64Array,
): Promise<number> {
  const before = rssMb();
  const held: TrainStep[] = [];
  try {
    for (let i = 0; i < HELD; i++) {
      const step = await TrainStep.create(net, { batch, ...(threads ? { threads } : {}) });
      held.push(step);
      await step.run(params, input, labels);
    }
    return (rssMb() - before) / HELD;
  } finally {
    for (const step of held) await step.release();
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
