/**
 * Side-by-side timing of the Conv weight-gradient formulations on ONNX Runtime (`naskit bench
 * conv-grad`). Each method is compiled alone (inputs x and dy, output dW) and timed as the median of
 * `repeats` runs after two warm-up runs, interleaved with the other methods of the same shape. The
 * forward Conv and both input-gradient forms of the same shape are timed too. These numbers are what
 * `pickWeightGradMethod` and the input-gradient choice in `convInputGrad` are based on.
 */
import { Graph, type Tensor } from '../../graph/graph.js';
import { canUseFlippedConv, conv, convInputGrad } from '../../graph/ops/conv.js';
import { type Window, convFlops, makeWindow, windowOutput } from '../../graph/ops/conv-geometry.js';
import {
  type WeightGradMethod,
  applicableWeightGradMethods,
  convWeightGrad,
  pickWeightGradMethod,
} from '../../graph/ops/conv-weight-grad.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { Program } from '../session.js';

export interface ConvGradBenchOptions {
  threads?: number;
  batch?: number;
  repeats?: number;
}

export interface ConvGradBenchRow {
  shape: string;
  /**
   * A weight-gradient method, or for scale 'forward', 'input-grad' (ConvTranspose) and, at stride 1,
   * 'input-grad-conv' (flipped-kernel Conv).
   */
  method: string;
  ms: number;
  gflops: number;
  /** Whether the Conv gradient rule uses this method for this shape. */
  chosen: boolean;
}

interface ShapeClass {
  name: string;
  channels: number;
  out: number;
  size: number;
  kernel: number;
  stride?: number;
  dilation?: number;
  group?: number;
}

/** The NAS cell shapes: 3x3 at three widths, plus every other shape class the rule must serve. */
export const CONV_GRAD_SHAPES: readonly ShapeClass[] = [
  { name: '3x3 C16 32px', channels: 16, out: 16, size: 32, kernel: 3 },
  { name: '3x3 C32 16px', channels: 32, out: 32, size: 16, kernel: 3 },
  { name: '3x3 C64 8px', channels: 64, out: 64, size: 8, kernel: 3 },
  { name: '1x1 C32 16px', channels: 32, out: 32, size: 16, kernel: 1 },
  { name: '3x3 stride 2 C16->32 32px', channels: 16, out: 32, size: 32, kernel: 3, stride: 2 },
  { name: '3x3 depthwise C32 16px', channels: 32, out: 32, size: 16, kernel: 3, group: 32 },
  { name: '5x5 depthwise C32 16px', channels: 32, out: 32, size: 16, kernel: 5, group: 32 },
  { name: '3x3 dilation 2 C32 16px', channels: 32, out: 32, size: 16, kernel: 3, dilation: 2 },
];

/**
 * Median run time of each program. Runs are interleaved (one run of each program per round) so that
 * load from other processes hits every method alike instead of whichever happened to run then.
 */
async function timeInterleaved(
  programs: readonly Program[],
  feeds: Record<string, Float32Array>,
  repeats: number,
): Promise<number[]> {
  for (const p of programs) for (let i = 0; i < 2; i++) await p.run(feeds);
  const times: number[][] = programs.map(() => []);
  for (let r = 0; r < repeats; r++) {
    for (let k = 0; k < programs.length; k++) {
      const start = performance.now();
      await programs[k]!.run(feeds);
      times[k]!.push(performance.now() - start);
    }
  }
  return times.map((t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

function randomData(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

export async function benchConvGrad(options: ConvGradBenchOptions = {}): Promise<ConvGradBenchRow[]> {
  const threads = options.threads ?? 2;
  const batch = options.batch ?? 64;
  const repeats = options.repeats ?? 5;
  for (const [name, v] of [
    ['threads', threads],
    ['batch', batch],
    ['repeats', repeats],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new NaskitError(
        'invalid_argument',
        `bench conv-grad: ${name} must be a positive integer, got ${v}`,
      );
    }
  }
  const rng = new Rng(2024);
  const rows: ConvGradBenchRow[] = [];
  for (const s of CONV_GRAD_SHAPES) {
    const group = s.group ?? 1;
    const dilation = s.dilation ?? 1;
    const window: Window = makeWindow('Conv', s.kernel, {
      strides: s.stride ?? 1,
      dilations: dilation,
      pads: (dilation * (s.kernel - 1)) / 2,
    });
    const xShape = [batch, s.channels, s.size, s.size];
    const wShape = [s.out, s.channels / group, s.kernel, s.kernel];
    const [ho, wo] = windowOutput('Conv', xShape, window);
    const dyShape = [batch, s.out, ho, wo];
    const flops = convFlops(batch, s.channels, s.out, group, [ho, wo], window.kernel);
    const feeds = {
      x: randomData(
        rng,
        xShape.reduce((a, b) => a * b, 1),
      ),
      w: randomData(
        rng,
        wShape.reduce((a, b) => a * b, 1),
      ),
      dy: randomData(
        rng,
        dyShape.reduce((a, b) => a * b, 1),
      ),
    };
    const chosen = pickWeightGradMethod(xShape, wShape, window, group);
    const build = (method: string): { g: Graph; out: Tensor } => {
      const g = new Graph(`bench-${method}`);
      const x = g.input('x', xShape);
      const dy = g.input('dy', dyShape);
      const w = g.input('w', wShape);
      let out: Tensor;
      if (method === 'forward') {
        out = conv(x, w, null, {
          strides: window.strides,
          pads: window.pads,
          dilations: window.dilations,
          group,
        });
      } else if (method === 'input-grad' || method === 'input-grad-conv') {
        out = convInputGrad(
          dy,
          w,
          xShape,
          window,
          group,
          method === 'input-grad' ? 'conv-transpose' : 'flipped-conv',
        );
      } else {
        out = convWeightGrad({ x, dy, window, group, weightShape: wShape }, method as WeightGradMethod);
      }
      return { g, out };
    };
    const inputGrads = canUseFlippedConv(window) ? ['input-grad', 'input-grad-conv'] : ['input-grad'];
    const methods = ['forward', ...inputGrads, ...applicableWeightGradMethods(xShape, group)];
    const programs: Program[] = [];
    try {
      for (const method of methods) {
        const { g, out } = build(method);
        programs.push(await Program.compile(g, [out], { threads }));
      }
      const medians = await timeInterleaved(programs, feeds, repeats);
      methods.forEach((method, k) => {
        const ms = medians[k]!;
        rows.push({ shape: s.name, method, ms, gflops: flops / (ms * 1e6), chosen: method === chosen });
      });
    } finally {
      for (const p of programs) await p.release();
    }
  }
  return rows;
}

/** Fixed-width table of the rows, one line per (shape, method), the chosen method marked with '*'. */
export function formatConvGradTable(rows: readonly ConvGradBenchRow[]): string {
  const lines = [`${'shape'.padEnd(28)}${'method'.padEnd(16)}${'ms'.padStart(9)}${'GFLOP/s'.padStart(10)}`];
  for (const r of rows) {
    lines.push(
      `${r.shape.padEnd(28)}${(r.method + (r.chosen ? ' *' : '')).padEnd(16)}` +
        `${r.ms.toFixed(2).padStart(9)}${r.gflops.toFixed(1).padStart(10)}`,
    );
  }
  return lines.join('\n');
}
