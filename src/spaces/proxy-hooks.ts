/**
 * What zero-cost proxies need from a space besides `build`, behind the optional `SearchSpace.proxyHooks`:
 * networks that several architectures share (one compiled program for a group of cells, or for the
 * whole space), and the one-channel constant-weight program of the epsilon proxies. Proxies ask these
 * hooks and never test a space's name; without them each architecture gets its own `build` network and
 * the constant-weight proxies do not apply.
 */
import type { Graph, Tensor } from '../graph/graph.js';
import type { NetworkSpec } from '../graph/network.js';
import type { NetworkConfig } from './network-config.js';

/**
 * How network proxies share compiled programs between architectures. 'group': architectures the space
 * groups (`programGroup`) share one program (the default); 'supernet': one program serves every
 * architecture of the space; 'own': each architecture's own `build` network. A space without the
 * corresponding hook falls back to 'own'.
 */
export type ProgramSharing = 'own' | 'group' | 'supernet';

/** The network a proxy scores an architecture with. */
export interface ProxyNetwork {
  /** Architectures with the same key share one compiled program. */
  key: string;
  /**
   * How long the scorer keeps that program: 'one' (released after this architecture), 'group' (kept
   * while cells of its group come, runs sort by `programGroup`), 'all' (kept: it serves every cell).
   */
  serves: 'one' | 'group' | 'all';
  net: NetworkSpec;
  /** Values fed besides images and parameters (e.g. a supernet's one-hot α, a pattern's gates). */
  feeds: Record<string, Float32Array>;
  /** Whether a parameter or node (by scoped name) is part of the architecture. */
  uses(name: string): boolean;
}

/** What a one-channel constant-weight program is built for. */
export interface ConstantProgramConfig {
  /** Images per batch. */
  batch: number;
  /** Input [C, H, W]. */
  inputShape: readonly [number, number, number];
  /** (architecture, constant) pairs per run: the program has this many channels. */
  slots: number;
  /** Arithmetic of the whole network (the published epsilon is float32). */
  dtype: 'float32' | 'float64';
  /** Batch-norm epsilon (PyTorch's 1e-5). */
  bnEps: number;
  /** Width and depth as in NetworkConfig; the benchmark's when omitted. */
  channels?: number;
  cells?: number;
}

/** One slot of a run: an architecture and the constant every weight takes. */
export interface ConstantSlot<A> {
  arch: A;
  weight: number;
}

/** A compiled-once program computing the network output of every slot. */
export interface ConstantProgram<A> {
  graph: Graph;
  /** [batch, slots]: the network output of every slot; the images are the fed input named 'input'. */
  output: Tensor;
  /** Feeds besides 'input' for 1..slots slots, all served by this program (unused slots repeat the last). */
  feeds(slots: readonly ConstantSlot<A>[]): Record<string, Float32Array | Float64Array>;
}

/**
 * The benchmark network with every conv/linear/BN-scale weight set to one constant, biases 0 and BN on
 * batch statistics, collapsed to one channel per (architecture, constant): every channel of a layer
 * then carries the same map, so one map per image gives the exact network output.
 */
export interface ConstantWeightHooks<A> {
  /** The cheapest architecture with bit-identical outputs (e.g. the cell's live part). */
  canonical(arch: A): A;
  /** Architectures with the same key run on one program ('' when one template serves all). */
  programKey(arch: A): string;
  /** The program serving every architecture with `arch`'s program key. */
  program(arch: A, config: ConstantProgramConfig): ConstantProgram<A>;
  /** Architectures a proxy packs into one run (their slots side by side). */
  cellsPerRun: number;
}

/** Everything optional: a space provides what its proxies can use. */
export interface SpaceProxyHooks<A> {
  /**
   * Architectures that share a compiled program under `sharing` when scored one after another
   * (scoring runs sort by it); '' where each has its own.
   */
  programGroup?(arch: A, sharing: ProgramSharing): string;
  /**
   * The network a proxy scores `arch` with under `sharing`, or null for the architecture's own `build`
   * network. `sharedGroups` (groups several of the cells scored together share) limits group programs
   * to those groups; without it every cell uses its group's program.
   */
  network?(
    arch: A,
    config: NetworkConfig,
    sharing: ProgramSharing,
    sharedGroups?: ReadonlySet<string>,
  ): ProxyNetwork | null;
  /** The one-channel constant-weight program (epsilon, epsilon-robust). */
  constantWeights?: ConstantWeightHooks<A>;
}
