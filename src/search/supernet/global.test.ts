import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import {
  DEFAULT_HALVING,
  globalScheme,
  randomRestarts,
  rungEpochs,
  successiveHalving,
  type GlobalContext,
  type Start,
} from './global.js';

/**
 * A start whose J after e epochs is `base + slope·e` plus whatever perturbations added; per-image
 * losses are J plus a fixed per-image offset, so paired gaps are exact and have zero noise unless the
 * offsets differ by start.
 */
function fakeStart(index: number, alphaScale: number, base: number, slope: number, offsets: number[]): Start {
  let epoch = 0;
  let shift = 0;
  let last: Float64Array | undefined;
  const J = () => base + slope * epoch + shift;
  return {
    index,
    alphaScale,
    epoch: () => epoch,
    trainTo: async (end) => {
      epoch = Math.max(epoch, end);
    },
    objective: async () => {
      const j = J();
      last = Float64Array.from(offsets, (o) => j + o);
      return j;
    },
    objectiveLosses: () => last,
    save: () => ({ epoch, shift }),
    restore: (s) => {
      ({ epoch, shift } = s as { epoch: number; shift: number });
    },
    perturb: (std) => {
      shift += std; // deterministic: a hop always makes J worse by std
    },
    checkpoint: () => {},
  };
}

function context(starts: Start[], epochs: number, memo = new Map<string, number>()): GlobalContext {
  return {
    start: async (index) => starts[index]!,
    epochs,
    rng: new Rng(1),
    memo,
    saveMemo: () => {},
    log: () => {},
  };
}

describe('successive halving over DARTS starts', () => {
  it('rungs are distinct, increasing and end at the schedule end', () => {
    expect(rungEpochs([0.12, 0.24, 0.5, 1], 30)).toEqual([4, 7, 15, 30]);
    expect(rungEpochs([0.01, 0.02, 0.5], 10)).toEqual([1, 5, 10]);
  });

  it('keeps the lowest J at every rung and counts every epoch trained', async () => {
    const offsets = [0.1, -0.1, 0.3, -0.3];
    const starts = [
      fakeStart(0, 1e-3, 1.0, -0.01, offsets),
      fakeStart(1, 0.5, 0.9, -0.01, offsets),
      fakeStart(2, 1, 1.2, -0.01, offsets),
      fakeStart(3, 2, 0.95, -0.01, offsets),
    ];
    // DEFAULT_HALVING: 4 starts, η 2, rungs at 12/24/50/100% of the schedule, no hops
    const scheme = successiveHalving(DEFAULT_HALVING);
    const result = await scheme.run(context(starts, 30));
    expect(result.best.index).toBe(1);
    expect(result.J).toBeCloseTo(0.9 - 0.3, 12);
    // starts 2 and 0 stop at epoch 4, start 3 at 7, start 1 runs to 30
    expect(result.compute).toBe(4 + 4 + 7 + 30);
    // identical per-image offsets: the gap between the two best is exact, with zero paired noise
    expect(result.trace[0]).toMatch(/gap 0\.0500 ± 0\.0000 \(paired SE\)/);
  });

  it('rejects a hop that raises J and restores the state before it', async () => {
    const starts = [fakeStart(0, 1e-3, 1.0, -0.01, [0, 0.2])];
    const scheme = successiveHalving({
      ...DEFAULT_HALVING,
      starts: 1,
      alphaScales: [1e-3],
      rungs: [1],
      hops: 2,
      hopEpochs: 5,
      hopStd: 0.5,
      temperature: 0,
    });
    const memo = new Map<string, number>();
    const result = await scheme.run(context(starts, 20, memo));
    expect(result.trace.filter((t) => t.includes('rejected'))).toHaveLength(2);
    // the halving ends at 20 − 2·5 = 10; rejected hops are restored, then the schedule is finished
    expect(result.best.epoch()).toBe(20);
    expect(result.J).toBeCloseTo(1.0 - 0.2, 12);
    expect(result.compute).toBe(20 + memo.get('hops/wasted')!);
    expect(memo.get('hops/done')).toBe(2);
  });

  it('random restarts train every start to the end and keep the lowest final J, where halving would have cut it', async () => {
    // start 1 is worse at the first rung (epoch 4: 1.12 vs 0.96) and better at the end (0.6 vs 0.7)
    const starts = (): Start[] => [
      fakeStart(0, 1e-3, 1.0, -0.01, [0, 0.1]),
      fakeStart(1, 0.5, 1.2, -0.02, [0, 0.1]),
    ];
    const restarts = await randomRestarts({ starts: 2, alphaScales: [1e-3, 0.5] }).run(context(starts(), 30));
    expect(restarts.best.index).toBe(1);
    expect(restarts.J).toBeCloseTo(1.2 - 0.6, 12);
    expect(restarts.compute).toBe(2 * 30);
    expect(restarts.trace).toHaveLength(1);
    const halving = await successiveHalving({ ...DEFAULT_HALVING, starts: 2, alphaScales: [1e-3, 0.5] }).run(
      context(starts(), 30),
    );
    expect(halving.best.index).toBe(0);
    expect(halving.compute).toBe(4 + 30);
    expect(globalScheme('restarts', DEFAULT_HALVING).name).toBe('restarts');
    expect(globalScheme('halving', DEFAULT_HALVING).name).toBe('halving');
  });
});
