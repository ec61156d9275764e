/**
 * `naskit bench compile`: how long a mixed (DARTS-style) supernet's training step takes to build and
 * to load into ONNX Runtime, the cost every differentiable search pays before its first step. Prints
 * the graph's node count, the TypeScript build + autodiff time, and ORT session creation (wall and CPU
 * time, with the load average, since other work on a shared machine stretches wall time); optionally
 * also with ORT's common-subexpression pass on, or with every ORT pass on (naskit switches some off,
 * see src/runtime/session.ts).
 */
import { loadavg } from 'node:os';
import { serialize } from '../graph/onnx.js';
import { buildTrainGraph } from '../runtime/train-program.js';
import { type CompileOptions, Program } from '../runtime/session.js';
import { getSpace } from '../spaces/index.js';
import { NaskitError } from '../util/errors.js';

export interface CompileBenchOptions {
  space?: string;
  cells?: number;
  channels?: number;
  batch?: number;
  threads?: number;
  /** Also create the session with ORT's common-subexpression pass (slow on large graphs). */
  compareOrtCse?: boolean;
  /** Also create the session with every ORT graph transformer on (naskit's pass selection off). */
  compareAllPasses?: boolean;
}

/** One session creation: wall and process CPU time, and the 1-minute load average before it. */
export interface CreateTiming {
  wall_ms: number;
  cpu_ms: number;
  load_1min: number;
}

export interface CompileBenchResult {
  space: string;
  cells: number;
  channels: number;
  batch: number;
  nodes: number;
  build_ms: number;
  create_ms: number;
  create_cpu_ms: number;
  load_1min: number;
  create_with_ort_cse_ms?: number;
  create_with_all_passes?: CreateTiming;
}

export async function benchCompile(options: CompileBenchOptions = {}): Promise<CompileBenchResult> {
  const spaceName = options.space ?? 'darts';
  const space = getSpace(spaceName);
  if (!space.supernet) {
    throw new NaskitError('invalid_argument', `space '${spaceName}' has no supernet; use darts or nb201`);
  }
  const cells = options.cells ?? (spaceName === 'darts' ? 8 : 5);
  const channels = options.channels ?? 16;
  const batch = options.batch ?? 16;
  const net = space.supernet({ mode: 'mixed', classes: 10, inputShape: [3, 32, 32], channels, cells });

  const start = performance.now();
  const spec = buildTrainGraph(net, batch);
  const outputs = [spec.loss, ...spec.grads];
  const outputNames = ['loss', ...spec.trainable.map((p) => `grad/${p.name}`)];
  const buildMs = performance.now() - start;
  const nodes = serialize(spec.graph, { outputs, outputNames }).nodeCount;

  const timeCreate = async (
    passes: Pick<CompileOptions, 'ortCse' | 'allOrtPasses'>,
  ): Promise<CreateTiming> => {
    const load = loadavg()[0]!;
    const cpu = process.cpuUsage();
    const t = performance.now();
    const program = await Program.compile(spec.graph, outputs, {
      outputNames,
      ...passes,
      ...(options.threads ? { threads: options.threads } : {}),
    });
    const wall = performance.now() - t;
    const used = process.cpuUsage(cpu);
    await program.release();
    return {
      wall_ms: Math.round(wall),
      cpu_ms: Math.round((used.user + used.system) / 1000),
      load_1min: Math.round(load * 100) / 100,
    };
  };
  const created = await timeCreate({});
  const withCse = options.compareOrtCse ? await timeCreate({ ortCse: true }) : undefined;
  const withAll = options.compareAllPasses ? await timeCreate({ allOrtPasses: true }) : undefined;
  return {
    space: spaceName,
    cells,
    channels,
    batch,
    nodes,
    build_ms: Math.round(buildMs),
    create_ms: created.wall_ms,
    create_cpu_ms: created.cpu_ms,
    load_1min: created.load_1min,
    ...(withCse === undefined ? {} : { create_with_ort_cse_ms: withCse.wall_ms }),
    ...(withAll === undefined ? {} : { create_with_all_passes: withAll }),
  };
}
