/**
 * Runs a space's one-channel constant-weight programs (SearchSpace.proxyHooks.constantWeights): one
 * compiled program per program key (NB201: per conv pattern, at most 64; NB101: one template), built
 * on first use and reused for every architecture with that key, one run with its (architecture,
 * constant) slots side by side in the channel axis, several runs in flight at once.
 */
import { Program } from '../../runtime/session.js';
import type {
  ConstantProgram,
  ConstantProgramConfig,
  ConstantSlot,
  ConstantWeightHooks,
} from '../../spaces/proxy-hooks.js';
import { NaskitError } from '../../util/errors.js';

/** One network output vector (batch length), in the precision the network ran in. */
export type Output = Float32Array | Float64Array;

export interface ConstantEngineOptions {
  /** Intra-op threads per run (1: parallelism comes from `concurrency`). */
  threads?: number;
  bnEps?: number;
  /** Arithmetic of the whole network (the published metric is float32). */
  dtype?: 'float32' | 'float64';
  /** Width and depth (the benchmark's when omitted; NB201: first-stage width and cells per stage). */
  channels?: number;
  cells?: number;
}

interface Compiled<A> {
  built: ConstantProgram<A>;
  program: Program;
}

interface Entry<A> {
  compiled: Promise<Compiled<A>>;
  /** Runs in flight on this program (it is never released while busy). */
  busy: number;
  lastUse: number;
}

/**
 * Live programs kept at once. Each ONNX Runtime session holds its own memory arena (~30 MB for NB201),
 * so all 64 NB201 patterns at once would take ~2 GB; callers sort architectures by program key (see
 * `order`) and idle programs beyond this count are released, least recently used first.
 */
const MAX_PROGRAMS = 6;

export class ConstantEngine<A> {
  private readonly programs = new Map<string, Entry<A>>();
  private compiledCount = 0;
  private clock = 0;
  private released = false;

  private constructor(
    private readonly hooks: ConstantWeightHooks<A>,
    private readonly images: Float32Array | Float64Array,
    private readonly config: ConstantProgramConfig,
    private readonly threads: number,
  ) {}

  /**
   * `images`: the batch, N×C×H×W float32 (normalized); `slots`: (architecture, constant) pairs per run
   * (2 for epsilon's two constants).
   */
  static create<A>(
    hooks: ConstantWeightHooks<A>,
    images: Float32Array,
    shape: readonly [number, number, number],
    slots: number,
    options: ConstantEngineOptions = {},
  ): ConstantEngine<A> {
    const perImage = shape[0] * shape[1] * shape[2];
    const batch = images.length / perImage;
    if (!Number.isInteger(batch) || batch < 2) {
      throw new NaskitError(
        'shape_mismatch',
        `constant-weight engine: ${images.length} values are not a batch of ≥2 images of shape [${shape.join(', ')}]`,
      );
    }
    const dtype = options.dtype ?? 'float32';
    const input = dtype === 'float64' ? Float64Array.from(images) : images;
    return new ConstantEngine(
      hooks,
      input,
      {
        batch,
        inputShape: shape,
        slots,
        dtype,
        bnEps: options.bnEps ?? 1e-5,
        ...(options.channels === undefined ? {} : { channels: options.channels }),
        ...(options.cells === undefined ? {} : { cells: options.cells }),
      },
      options.threads ?? 1,
    );
  }

  get batchSize(): number {
    return this.config.batch;
  }

  /** Number of programs compiled so far (one per program key, again after an eviction). */
  get programCount(): number {
    return this.compiledCount;
  }

  /** Sort key that groups architectures sharing a program. */
  order(arch: A): string {
    return this.hooks.programKey(arch);
  }

  /** The network output of `arch` for each constant, as one vector of batch length each. */
  outputs(arch: A, weights: readonly number[]): Promise<Output[]> {
    if (weights.length !== this.config.slots) {
      throw new NaskitError(
        'invalid_argument',
        `constant-weight engine built for ${this.config.slots} constants per run, got ${weights.length}`,
      );
    }
    return this.run(weights.map((weight) => ({ arch, weight })));
  }

  /**
   * One run over up to `slots` (architecture, constant) pairs whose architectures share a program key
   * (e.g. many cells at one constant); returns each slot's output vector.
   */
  async run(slots: readonly ConstantSlot<A>[]): Promise<Output[]> {
    if (this.released)
      throw new NaskitError('invalid_argument', 'constant-weight engine used after release()');
    const entry = this.entry(slots[0]!.arch);
    entry.busy++;
    let result;
    let program: Program;
    try {
      let built: ConstantProgram<A>;
      ({ built, program } = await entry.compiled);
      result = await program.run({ input: this.images, ...built.feeds(slots) });
    } finally {
      entry.busy--;
      entry.lastUse = ++this.clock;
    }
    const y = result[program.model.outputNames[0]!] as Output;
    const k = this.config.slots;
    // Keep the network's own precision: float64 outputs can be far below float32's range.
    return slots.map((_, slot) => {
      const out =
        this.config.dtype === 'float64'
          ? new Float64Array(this.config.batch)
          : new Float32Array(this.config.batch);
      for (let b = 0; b < out.length; b++) out[b] = y[b * k + slot]!;
      return out;
    });
  }

  private entry(arch: A): Entry<A> {
    const key = this.hooks.programKey(arch);
    let entry = this.programs.get(key);
    if (entry === undefined) {
      this.evictIdle();
      const built = this.hooks.program(arch, this.config);
      const compiled = Program.compile(built.graph, [built.output], { threads: this.threads }).then(
        (program) => ({ built, program }),
      );
      entry = { compiled, busy: 0, lastUse: ++this.clock };
      this.programs.set(key, entry);
      this.compiledCount++;
      compiled.catch(() => this.programs.delete(key));
    }
    return entry;
  }

  private evictIdle(): void {
    while (this.programs.size >= MAX_PROGRAMS) {
      let oldest: [string, Entry<A>] | null = null;
      for (const e of this.programs)
        if (e[1].busy === 0 && (oldest === null || e[1].lastUse < oldest[1].lastUse)) oldest = e;
      if (oldest === null) return;
      this.programs.delete(oldest[0]);
      void oldest[1].compiled.then((c) => c.program.release()).catch(() => undefined);
    }
  }

  async release(): Promise<void> {
    this.released = true;
    const all = [...this.programs.values()];
    this.programs.clear();
    for (const e of all) await (await e.compiled).program.release();
  }
}
