/**
 * Runs NB101 networks with constant shared weights through one compiled template program (see
 * nb101-program.ts), one architecture per run with its constants side by side in the channel axis.
 */
import type { Nb101Arch } from '../../spaces/nb101/ops.js';
import { Program } from '../../runtime/session.js';
import { NaskitError } from '../../util/errors.js';
import type { ConstantEngineOptions } from './nb201-engine.js';
import {
  NB101_CONSTANT_DEFAULTS,
  buildNb101ConstantGraph,
  nb101ConstantFeeds,
  type Nb101ConstantConfig,
} from './nb101-program.js';

export class Nb101ConstantEngine {
  private program: Promise<Program> | null = null;
  private released = false;

  private constructor(
    private readonly images: Float32Array,
    private readonly config: Nb101ConstantConfig,
    private readonly threads: number,
  ) {}

  static create(
    images: Float32Array,
    shape: readonly [number, number, number],
    slots: number,
    options: ConstantEngineOptions = {},
  ): Nb101ConstantEngine {
    const batch = images.length / (shape[0] * shape[1] * shape[2]);
    if (!Number.isInteger(batch) || batch < 2) {
      throw new NaskitError(
        'shape_mismatch',
        `constant-weight engine: ${images.length} values are not a batch of ≥2 images of shape [${shape.join(', ')}]`,
      );
    }
    return new Nb101ConstantEngine(
      images,
      {
        ...NB101_CONSTANT_DEFAULTS,
        batch,
        inputShape: shape,
        slots,
        stemChannels: options.channels ?? NB101_CONSTANT_DEFAULTS.stemChannels,
        modulesPerStack: options.cellsPerStage ?? NB101_CONSTANT_DEFAULTS.modulesPerStack,
        bnEps: options.bnEps ?? NB101_CONSTANT_DEFAULTS.bnEps,
      },
      options.threads ?? 1,
    );
  }

  async outputs(arch: Nb101Arch, weights: readonly number[]): Promise<Float32Array[]> {
    if (this.released)
      throw new NaskitError('invalid_argument', 'constant-weight engine used after release()');
    if (weights.length !== this.config.slots) {
      throw new NaskitError(
        'invalid_argument',
        `constant-weight engine built for ${this.config.slots} constants per run, got ${weights.length}`,
      );
    }
    if (this.program === null) {
      const built = buildNb101ConstantGraph(this.config);
      this.program = Program.compile(built.graph, [built.output], { threads: this.threads });
      this.program.catch(() => (this.program = null));
    }
    const program = await this.program;
    const feeds = {
      input: this.images,
      ...nb101ConstantFeeds(
        this.config,
        weights.map((weight) => ({ arch, weight })),
      ),
    };
    const y = (await program.run(feeds))[program.model.outputNames[0]!] as Float32Array;
    const k = this.config.slots;
    return weights.map((_, slot) =>
      Float32Array.from({ length: this.config.batch }, (_, b) => y[b * k + slot]!),
    );
  }

  async release(): Promise<void> {
    this.released = true;
    const p = this.program;
    this.program = null;
    if (p) await (await p).release();
  }
}
