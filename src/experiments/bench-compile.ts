/**
 * `naskit bench compile`: how long a mixed (DARTS-style) supernet's training step takes to build and
 * to load into ONNX Runtime, the cost every differentiable search pays before its first step. Prints
 * the graph's node count, the TypeScript build + autodiff time, and ORT session creation; optionally
 * also with ORT's common-subexpression pass on (which naskit turns off, see src/runtime/session.ts).
 */
import { serialize } from '../graph/onnx.js';
import { buildTrainGraph } from '../runtime/train-program.js';
import { Program } from '../runtime/session.js';
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
}

export interface CompileBenchResult {
  space: string;
  cells: number;
  channels: number;
  batch: number;
  nodes: number;
  build_ms: number;
  create_ms: number;
  create_with_ort_cse_ms?: number;
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

  const timeCreate = async (ortCse: boolean): Promise<number> => {
    const t = performance.now();
    const program = await Program.compile(spec.graph, outputs, {
      outputNames,
      ortCse,
      ...(options.threads ? { threads: options.threads } : {}),
    });
    const ms = performance.now() - t;
    await program.release();
    return ms;
  };
  const createMs = await timeCreate(false);
  const withCse = options.compareOrtCse ? await timeCreate(true) : undefined;
  return {
    space: spaceName,
    cells,
    channels,
    batch,
    nodes,
    build_ms: Math.round(buildMs),
    create_ms: Math.round(createMs),
    ...(withCse === undefined ? {} : { create_with_ort_cse_ms: Math.round(withCse) }),
  };
}
