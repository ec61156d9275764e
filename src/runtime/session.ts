/**
 * ONNX Runtime sessions for naskit graphs: compile the part of a graph that some outputs need into one
 * ONNX model, create the session once, run it with named feeds, and release it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { NaskitError, formatShape } from '../util/errors.js';
import type { DType, Graph, Tensor, TensorData } from '../graph/graph.js';
import { type SerializedModel, serialize } from '../graph/onnx.js';

// ONNX Runtime's telemetry writes `.ses` and an empty `mat-debug-<pid>.log` into the temp folder of
// every process that creates a session, and never removes them. It reads this variable when the first
// session is created (not when the module loads), so setting it here is in time; a value the user set wins.
process.env.ORT_DISABLE_TELEMETRY ??= '1';

export interface CompileOptions {
  /** Parameters to bake into the model as initializers instead of feeding them. */
  initializers?: ReadonlyMap<string, TensorData>;
  /** Intra-op threads; defaults to the core count. */
  threads?: number;
  outputNames?: readonly string[];
  dynamicBatch?: boolean;
  /** Record ORT's per-node kernel times; read them with `Program.endProfiling()`. */
  profile?: boolean;
  /** Run ORT's common-subexpression pass too (off by default, see `compile`); for comparisons. */
  ortCse?: boolean;
  /**
   * Run every graph transformer ORT registers, even on graphs above `LARGE_GRAPH_NODES` and the
   * passes that cannot fire on naskit graphs (see `disabledOrtPasses`); for comparisons.
   */
  allOrtPasses?: boolean;
  /**
   * The program runs only a few times (a zero-cost proxy's per-architecture program): skip ORT's
   * graph optimizations and memory-pattern planning, which cost more than they save over 1-3 runs.
   * On NB201 grasp programs (2-4k nodes) session creation took 40-60% less and runs were no slower;
   * with the memory pattern on, the second run of a session took twice as long as the others.
   */
  fewRuns?: boolean;
}

/** One entry of ORT's profile (Chrome trace format); node kernels have cat 'Node'. */
export interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

export type Feeds = Readonly<Record<string, TensorData>>;
export type Results = Record<string, TensorData>;

interface InputSpec {
  name: string;
  shape: readonly number[];
  dtype: DType;
}

/**
 * ORT 1.30 graph transformers that cannot fire on naskit graphs: they match quantization (QDQ) nodes
 * or transformer-model patterns (attention, GELU, LayerNorm) that naskit never emits. Each pass still
 * walks the whole graph on every round, and on large graphs a pass costs about as much as the ones that
 * do work (~1 s of CPU each on a 47k-node DARTS supernet training graph, where ORT ran 90 passes).
 */
const NEVER_FIRING_PASSES = [
  'DoubleQDQPairsRemover',
  'QDQPropagationTransformer',
  'QDQS8ToU8Transformer',
  'QDQSelectorActionTransformer',
  'QDQFinalCleanupTransformer',
  'WeightBiasQuantization',
  'EnsureUniqueDQForNodeUnit',
  'WhereDummyDq',
  'MatMulIntegerToFloatFusion',
  'DynamicQuantizeMatMulFusion',
  'MatMulNBitsFusion',
  'FuseFp16InitializerToFp32NodeTransformer',
  'NhwcTransformer',
  'SliceConcatToSpaceToDepthFusion',
  'GeluFusionL2',
  'FastGeluFusion',
  'QuickGeluFusion',
  'BiasGeluFusion',
  'LayerNormFusionL1',
  'SimplifiedLayerNormFusion',
  'SkipLayerNormFusion',
  'BiasSkipLayerNormFusion',
  'EmbedLayerNormFusion',
  'AttentionFusion',
  'GroupQueryAttentionFusion',
  'GroupQueryAttentionPreNormFusion',
  'BiasDropoutFusion',
];

/**
 * Graphs with more nodes than this (DARTS-scale mixed supernets) run only `LARGE_GRAPH_PASSES`. ORT's
 * per-pass cost grows faster than linearly in the node count (12k nodes: 7 s for the whole session,
 * 47k: 94 s), while the training programs of such graphs are dominated by convolution kernels that
 * these few passes already serve (NCHWc layout, fused transposes, folded constants).
 */
export const LARGE_GRAPH_NODES = 20_000;

/** The passes large graphs keep; every other pass of levels 1-3 is switched off by name. */
const LARGE_GRAPH_SKIPPED_PASSES = [
  'Level1_RuleBasedTransformer',
  'ReshapeFusion',
  'MatMulAddFusion',
  'TransposeOptimizer',
  'Level2_RuleBasedTransformer',
  'GemmActivationFusion',
  'ConvActivationFusion',
  'MatMulScaleFusion',
  'MatMulActivationFusion',
  'GatherSliceToSplitFusion',
  'GatherToSliceFusion',
  'BiasSoftmaxFusion',
  'ConvAddActivationFusion',
];

/**
 * ORT's optimization level for a graph. Above `LARGE_GRAPH_NODES` even the kept passes cost more than
 * they give: on the DARTS 8-cell mixed supernet's training graph (36,995 nodes, batch 16, 2 threads,
 * quiet machine) session creation took 43.0 s with them and 24.4 s with none, while a training step
 * took 4,553 against 4,681 ms (+2.8%). Weights are fed every step, so ORT's NCHWc convolution layout
 * never applies to these programs anyway. `allOrtPasses` keeps level 'all' for comparisons.
 */
export function ortLevel(
  nodeCount: number,
  options: Pick<CompileOptions, 'fewRuns' | 'allOrtPasses'> = {},
): 'disabled' | 'all' {
  if (options.fewRuns) return 'disabled';
  return nodeCount > LARGE_GRAPH_NODES && !options.allOrtPasses ? 'disabled' : 'all';
}

/**
 * The `disable_specified_optimizers` value for a graph of `nodeCount` nodes. ORT splits it on ';' (a
 * comma-separated list reads as one unknown name and disables nothing) and caps it at 1024 characters.
 */
export function disabledOrtPasses(
  nodeCount: number,
  options: Pick<CompileOptions, 'ortCse' | 'allOrtPasses'> = {},
): string {
  // naskit merges equal subexpressions when it builds a graph (Graph.apply); ORT's own pass then
  // only loops: on a DARTS supernet's training graph it reported a change in each of its 10 rounds,
  // so every other pass ran 10 times (`naskit bench compile --compare-ort-cse`: 242 s to create the
  // session instead of 94 s at 47k nodes).
  const cse = options.ortCse ? [] : ['CommonSubexpressionElimination'];
  if (options.allOrtPasses) return cse.join(';');
  const large = nodeCount > LARGE_GRAPH_NODES ? LARGE_GRAPH_SKIPPED_PASSES : [];
  return [...cse, ...NEVER_FIRING_PASSES, ...large].join(';');
}

let defaultThreads = availableParallelism();

/** Set the default intra-op thread count for sessions created afterwards. */
export function setDefaultThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new NaskitError('invalid_argument', `threads must be a positive integer, got ${threads}`);
  }
  defaultThreads = threads;
}

export function getDefaultThreads(): number {
  return defaultThreads;
}

export class Program {
  private released = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly model: SerializedModel,
    private readonly inputs: readonly InputSpec[],
    readonly threads: number,
    private readonly profileDir?: string,
  ) {}

  /**
   * Stop profiling (the program must have been compiled with `profile: true`) and return ORT's
   * trace events: one per node and run, with the kernel time in microseconds.
   */
  endProfiling(): ProfileEvent[] {
    if (!this.profileDir) {
      throw new NaskitError(
        'invalid_argument',
        'endProfiling() on a program compiled without { profile: true }',
      );
    }
    this.session.endProfiling();
    const file = readdirSync(this.profileDir).find((n) => n.endsWith('.json'));
    if (!file)
      throw new NaskitError('runtime_failure', `ONNX Runtime wrote no profile into ${this.profileDir}`);
    const events = JSON.parse(readFileSync(join(this.profileDir, file), 'utf8')) as ProfileEvent[];
    rmSync(this.profileDir, { recursive: true, force: true });
    return events;
  }

  static async compile(
    graph: Graph,
    outputs: readonly Tensor[],
    options: CompileOptions = {},
  ): Promise<Program> {
    const model = serialize(graph, {
      outputs,
      ...(options.initializers ? { initializers: options.initializers } : {}),
      ...(options.outputNames ? { outputNames: options.outputNames } : {}),
      ...(options.dynamicBatch ? { dynamicBatch: true } : {}),
    });
    const byName = new Map<string, Tensor>();
    for (const t of [...graph.inputs, ...graph.params]) byName.set(t.name, t);
    const inputs = model.inputNames.map((name) => {
      const t = byName.get(name)!;
      return { name, shape: t.shape, dtype: t.dtype };
    });
    const threads = options.threads ?? defaultThreads;
    const profileDir = options.profile ? mkdtempSync(join(tmpdir(), 'naskit-profile-')) : undefined;
    const disabled = disabledOrtPasses(model.nodeCount, options);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model.bytes, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: ortLevel(model.nodeCount, options),
        executionMode: 'sequential',
        ...(options.fewRuns ? { enableMemPattern: false } : {}),
        ...(disabled ? { extra: { optimization: { disable_specified_optimizers: disabled } } } : {}),
        ...(profileDir ? { enableProfiling: true, profileFilePrefix: join(profileDir, 'ort') } : {}),
      });
    } catch (err) {
      throw new NaskitError(
        'runtime_failure',
        `ONNX Runtime rejected graph '${graph.name}' (${model.nodeCount} nodes): ${(err as Error).message}`,
        { cause: err },
      );
    }
    return new Program(session, model, inputs, threads, profileDir);
  }

  /** Names of the parameters this program must be fed. */
  get paramNames(): readonly string[] {
    return this.model.paramNames;
  }

  get inputNames(): readonly string[] {
    return this.model.inputNames;
  }

  async run(feeds: Feeds): Promise<Results> {
    if (this.released) throw new NaskitError('invalid_argument', 'Program.run after release()');
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const spec of this.inputs) {
      const data = feeds[spec.name];
      if (!data) {
        throw new NaskitError(
          'missing_feed',
          `missing feed '${spec.name}' (${spec.dtype}${formatShape(spec.shape)}); ` +
            `the model needs: ${this.inputs
              .map((s) => s.name)
              .slice(0, 12)
              .join(', ')}` +
            (this.inputs.length > 12 ? `, … (${this.inputs.length} in all)` : ''),
        );
      }
      ortFeeds[spec.name] = toOrtTensor(spec, data);
    }
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(ortFeeds);
    } catch (err) {
      throw new NaskitError(
        'runtime_failure',
        `ONNX Runtime failed while running: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const results: Results = {};
    for (const name of this.model.outputNames) {
      const value = out[name] as ort.Tensor;
      results[name] = value.data as TensorData;
    }
    return results;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

const ORT_TYPE: Record<DType, ort.Tensor.Type> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  bool: 'bool',
};

function toOrtTensor(spec: InputSpec, data: TensorData): ort.Tensor {
  const expected = spec.shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new NaskitError(
      'shape_mismatch',
      `feed '${spec.name}' has ${data.length} values but the model expects ${spec.dtype}${formatShape(spec.shape)} ` +
        `(${expected} values)`,
    );
  }
  return new ort.Tensor(ORT_TYPE[spec.dtype], data as ort.Tensor.DataType, spec.shape as number[]);
}

/** Short content hash of a model, for caching compiled programs. */
export function modelHash(model: SerializedModel): string {
  return createHash('sha1').update(model.bytes).digest('hex').slice(0, 16);
}
