/**
 * How a parameter's initial value is drawn. Layer builders attach one to every parameter they
 * declare; the runtime's initializers turn it into numbers with the run's seeded generator.
 * `fanIn`/`fanOut` are stated by the builder (it knows the layer), never guessed from the shape.
 */
export type InitSpec =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number }
  | { kind: 'normal'; mean?: number; std: number }
  | { kind: 'uniform'; low: number; high: number }
  /** He et al.: std = gain / sqrt(fan); gain = sqrt(2) for ReLU. `mode` picks fanIn (default) or fanOut. */
  | { kind: 'kaimingNormal'; fanIn: number; fanOut: number; mode?: 'fanIn' | 'fanOut'; gain?: number }
  | { kind: 'kaimingUniform'; fanIn: number; fanOut: number; mode?: 'fanIn' | 'fanOut'; gain?: number }
  | { kind: 'xavierUniform'; fanIn: number; fanOut: number; gain?: number }
  | { kind: 'xavierNormal'; fanIn: number; fanOut: number; gain?: number };

export interface ParamOptions {
  init?: InitSpec;
  /** False for state that is updated by the forward pass rather than by gradients (BN running stats). */
  trainable?: boolean;
  /** Excluded from weight decay (BN affine, biases), as is standard. */
  noDecay?: boolean;
}
