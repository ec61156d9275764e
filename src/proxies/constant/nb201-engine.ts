/**
 * Runs NB201 networks with constant shared weights: one compiled program per conv pattern (at most
 * 64, built on first use and reused for every cell with that pattern), one architecture per run with
 * its constants side by side in the channel axis, several runs in flight at once (ONNX Runtime runs
 * sessions off the main thread, so `concurrency` runs use that many cores with one thread each).
 */
import type { Nb201Arch } from '../../spaces/nb201/ops.js';
import { Program } from '../../runtime/session.js';
import { NaskitError } from '../../util/errors.js';
import {
  NB201_CONSTANT_DEFAULTS,
  buildNb201ConstantGraph,
  convPattern,
  nb201ConstantFeeds,
  patternKey,
  type Nb201ConstantConfig,
  type Nb201ConstantGraph,
  type Nb201Slot,
} from './nb201-program.js';

export interface ConstantEngineOptions {
  /** Intra-op threads per run (1: parallelism comes from `concurrency`). */
  threads?: number;
  bnEps?: number;
  /** Arithmetic of the whole network (the published metric is float32). */
  dtype?: 'float32' | 'float64';
  /** First-stage width and cells per stage (the benchmark's 16 and 5). */
  channels?: number;
  cellsPerStage?: number;
}

interface Compiled {
  built: Nb201ConstantGraph;
  program: Program;
}

interface Entry {
  compiled: Promise<Compiled>;
  /** Runs in flight on this program (it is never released while busy). */
  busy: number;
  lastUse: number;
}

/**
 * Live programs kept at once. Each ONNX Runtime session holds its own memory arena (~30 MB here), so
 * all 64 patterns at once would take ~2 GB; callers sort architectures by pattern (see `order`) and
 * idle programs beyond this count are released, least recently used first.
 */
const MAX_PROGRAMS = 6;

export class Nb201ConstantEngine {
  private readonly programs = new Map<string, Entry>();
  private compiledCount = 0;
  private clock = 0;
  private released = false;

  /**
   * `images`: the batch, N×C×H×W float32 (normalized); `slots`: constants per run (2 for epsilon).
   */
  constructor(
    private readonly images: Float32Array | Float64Array,
    private readonly config: Nb201ConstantConfig,
    private readonly threads: number,
  ) {}

  static create(
    images: Float32Array,
    shape: readonly [number, number, number],
    slots: number,
    options: ConstantEngineOptions = {},
  ): Nb201ConstantEngine {
    const perImage = shape[0] * shape[1] * shape[2];
    const batch = images.length / perImage;
    if (!Number.isInteger(batch) || batch < 2) {
      throw new NaskitError(
        'shape_mismatch',
        `constant-weight engine: ${images.length} values are not a batch of ≥2 images of shape [${shape.join(', ')}]`,
      );
    }
    const config: Nb201ConstantConfig = {
      ...NB201_CONSTANT_DEFAULTS,
      batch,
      inputShape: shape,
      slots,
      channels: options.channels ?? NB201_CONSTANT_DEFAULTS.channels,
      cellsPerStage: options.cellsPerStage ?? NB201_CONSTANT_DEFAULTS.cellsPerStage,
      bnEps: options.bnEps ?? NB201_CONSTANT_DEFAULTS.bnEps,
      dtype: options.dtype ?? 'float32',
    };
    const input = config.dtype === 'float64' ? Float64Array.from(images) : images;
    return new Nb201ConstantEngine(input, config, options.threads ?? 1);
  }

  get batchSize(): number {
    return this.config.batch;
  }

  /** Number of programs compiled so far (one per conv pattern, again after an eviction). */
  get programCount(): number {
    return this.compiledCount;
  }

  /** Sort key that groups cells sharing a program. */
  static order(arch: Nb201Arch): string {
    return patternKey(convPattern(arch));
  }

  /** The network output of `arch` for each constant, as one vector of batch length each. */
  outputs(arch: Nb201Arch, weights: readonly number[]): Promise<(Float32Array | Float64Array)[]> {
    if (weights.length !== this.config.slots) {
      throw new NaskitError(
        'invalid_argument',
        `constant-weight engine built for ${this.config.slots} constants per run, got ${weights.length}`,
      );
    }
    return this.run(weights.map((weight) => ({ arch, weight })));
  }

  /**
   * One run over up to `slots` (architecture, constant) pairs whose cells share a conv pattern (e.g.
   * many cells at one constant); returns each slot's output vector.
   */
  async run(slots: readonly Nb201Slot[]): Promise<(Float32Array | Float64Array)[]> {
    if (this.released)
      throw new NaskitError('invalid_argument', 'constant-weight engine used after release()');
    const entry = this.entry(slots[0]!.arch);
    entry.busy++;
    let result;
    let program: Program;
    try {
      let built: Nb201ConstantGraph;
      ({ built, program } = await entry.compiled);
      result = await program.run({ input: this.images, ...nb201ConstantFeeds(built, slots) });
    } finally {
      entry.busy--;
      entry.lastUse = ++this.clock;
    }
    const y = result[program.model.outputNames[0]!] as Float32Array | Float64Array;
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

  private entry(arch: Nb201Arch): Entry {
    const pattern = convPattern(arch);
    const key = patternKey(pattern);
    let entry = this.programs.get(key);
    if (entry === undefined) {
      this.evictIdle();
      const built = buildNb201ConstantGraph(this.config, pattern);
      const compiled = Program.compile(built.graph, [built.output], { threads: this.threads }).then(
        (program) => ({
          built,
          program,
        }),
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
      let oldest: [string, Entry] | null = null;
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
