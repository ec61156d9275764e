/**
 * Compiled programs for a network: a training step (forward + softmax cross-entropy + backward, with
 * batch-norm running-stat updates returned as outputs) and an inference forward pass. Parameters live
 * in a store of named Float32Arrays that is fed in on every run, so the optimizer, checkpoints and
 * export all work on plain arrays.
 */
import { Graph, type Tensor } from '../graph/graph.js';
import { grad } from '../graph/autodiff.js';
import { createContext, type NetworkSpec } from '../graph/network.js';
import { softmaxCrossEntropy } from '../graph/ops/softmax-cross-entropy.js';
import { NaskitError } from '../util/errors.js';
import { Program, type ProfileEvent } from './session.js';

/** The parameter values a program reads and the running-stat values it writes back. */
export interface ParamSource {
  get(name: string): Float32Array;
  set(name: string, value: Float32Array): void;
}

export interface StepResult {
  loss: number;
  /** Number of correctly classified examples in the batch. */
  correct: number;
  /** Gradients by trainable parameter name. */
  grads: Map<string, Float32Array>;
  logits: Float32Array;
}

export interface ProgramOptions {
  batch: number;
  threads?: number;
  /** Record per-node kernel times (see `TrainStep.endProfiling`). */
  profile?: boolean;
  /**
   * Which trainable parameters get a gradient (default: all). A supernet's α step asks only for
   * `alpha/` names, so the program skips the weight gradients it would throw away.
   */
  wrt?: (name: string) => boolean;
  /** Options the network's builder reads (e.g. a supernet's fixed path); see `NetContext.options`. */
  buildOptions?: Readonly<Record<string, unknown>>;
}

/** Extra graph inputs a network declares beyond `input` and `labels` (e.g. a fed supernet path). */
export type ExtraFeeds = Readonly<Record<string, Float32Array | BigInt64Array>>;

/** Graph of one training step; exposed for export, inspection and tests. */
export interface TrainGraph {
  graph: Graph;
  input: Tensor;
  labels: Tensor;
  logits: Tensor;
  loss: Tensor;
  trainable: Tensor[];
  grads: Tensor[];
  stateUpdates: Map<string, Tensor>;
}

export function buildTrainGraph(
  net: NetworkSpec,
  batch: number,
  options: Pick<ProgramOptions, 'wrt' | 'buildOptions'> = {},
): TrainGraph {
  const graph = new Graph(`${net.name}/train`);
  const input = graph.input('input', [batch, ...net.inputShape]);
  const labels = graph.input('labels', [batch], 'int64');
  const ctx = createContext(graph, true, options.buildOptions ?? {});
  const logits = net.forward(ctx, input);
  checkLogits(net, logits, batch);
  const loss = softmaxCrossEntropy(logits, labels, { reduction: 'mean' });
  const wrt = options.wrt;
  const trainable = graph.trainableParams().filter((p) => !wrt || wrt(p.name));
  const grads = grad(loss, trainable, { allowUnused: true });
  return { graph, input, labels, logits, loss, trainable, grads, stateUpdates: ctx.stateUpdates };
}

export function buildEvalGraph(
  net: NetworkSpec,
  batch: number,
  buildOptions: Readonly<Record<string, unknown>> = {},
): { graph: Graph; input: Tensor; logits: Tensor } {
  const graph = new Graph(`${net.name}/eval`);
  const input = graph.input('input', [batch, ...net.inputShape]);
  const logits = net.forward(createContext(graph, false, buildOptions), input);
  checkLogits(net, logits, batch);
  return { graph, input, logits };
}

function checkLogits(net: NetworkSpec, logits: Tensor, batch: number): void {
  if (logits.rank !== 2 || logits.shape[0] !== batch || logits.shape[1] !== net.classes) {
    throw new NaskitError(
      'shape_mismatch',
      `network ${net.name} returned logits ${logits} but [${batch}, ${net.classes}] was expected`,
    );
  }
}

function paramFeeds(program: Program, params: ParamSource): Record<string, Float32Array> {
  const feeds: Record<string, Float32Array> = {};
  for (const name of program.paramNames) feeds[name] = params.get(name);
  return feeds;
}

export function countCorrect(
  logits: Float32Array,
  labels: ArrayLike<number | bigint>,
  classes: number,
): number {
  let correct = 0;
  for (let b = 0; b < labels.length; b++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < classes; k++) {
      const v = logits[b * classes + k]!;
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    if (best === Number(labels[b])) correct++;
  }
  return correct;
}

export class TrainStep {
  private constructor(
    private readonly program: Program,
    readonly spec: TrainGraph,
    readonly net: NetworkSpec,
    readonly batch: number,
  ) {}

  static async create(net: NetworkSpec, options: ProgramOptions): Promise<TrainStep> {
    const spec = buildTrainGraph(net, options.batch, options);
    const stateNames = [...spec.stateUpdates.keys()];
    const outputs = [
      spec.loss,
      spec.logits,
      ...spec.grads,
      ...stateNames.map((n) => spec.stateUpdates.get(n)!),
    ];
    const outputNames = [
      'loss',
      'logits',
      ...spec.trainable.map((p) => `grad/${p.name}`),
      ...stateNames.map((n) => `state/${n}`),
    ];
    const program = await Program.compile(spec.graph, outputs, {
      outputNames,
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.profile ? { profile: true } : {}),
    });
    return new TrainStep(program, spec, net, options.batch);
  }

  /** Run forward + backward on one batch; writes running-stat updates into `params`. */
  async run(
    params: ParamSource,
    input: Float32Array,
    labels: BigInt64Array,
    extra: ExtraFeeds = {},
  ): Promise<StepResult> {
    const out = await this.program.run({ ...paramFeeds(this.program, params), ...extra, input, labels });
    const loss = Number((out.loss as Float32Array)[0]);
    if (!Number.isFinite(loss)) {
      throw new NaskitError(
        'non_finite',
        `training loss of ${this.net.name} is ${loss} (batch of ${this.batch}); lower the learning rate or check the input data`,
      );
    }
    const grads = new Map<string, Float32Array>();
    for (const p of this.spec.trainable) grads.set(p.name, out[`grad/${p.name}`] as Float32Array);
    for (const name of this.spec.stateUpdates.keys()) params.set(name, out[`state/${name}`] as Float32Array);
    const logits = out.logits as Float32Array;
    return { loss, grads, logits, correct: countCorrect(logits, labels, this.net.classes) };
  }

  /** ORT's per-node kernel times since creation (the step must be created with `profile: true`). */
  endProfiling(): ProfileEvent[] {
    return this.program.endProfiling();
  }

  async release(): Promise<void> {
    await this.program.release();
  }
}

export class Forward {
  private constructor(
    private readonly program: Program,
    readonly net: NetworkSpec,
    readonly batch: number,
  ) {}

  static async create(net: NetworkSpec, options: ProgramOptions): Promise<Forward> {
    const { graph, logits } = buildEvalGraph(net, options.batch, options.buildOptions);
    const program = await Program.compile(graph, [logits], {
      outputNames: ['logits'],
      ...(options.threads ? { threads: options.threads } : {}),
    });
    return new Forward(program, net, options.batch);
  }

  async run(params: ParamSource, input: Float32Array, extra: ExtraFeeds = {}): Promise<Float32Array> {
    const out = await this.program.run({ ...paramFeeds(this.program, params), ...extra, input });
    return out.logits as Float32Array;
  }

  async release(): Promise<void> {
    await this.program.release();
  }
}
