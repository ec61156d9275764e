/**
 * The contract every registered zero-cost proxy must satisfy, as a reusable vitest suite (the proxy
 * counterpart of `runSpaceContract`): a test file calls `runProxyContract(proxy, options)` for each
 * proxy. Everything runs through `scoreArchitectures` on a tiny network and batch, and checks that the
 * proxy scores normal cells with finite values, bit-identically for a seed in a fresh context, reports
 * its raw value through `orient` with its own declared direction, and turns a cell whose network
 * throws or goes non-finite into a recorded failure (the other cells keep their scores).
 *
 * Faults are injected through the space, never by mocking the proxy: a wrapper space whose `build`,
 * `proxyHooks.network` and constant-weight program `feeds` throw (or poison the network with NaN) for
 * one chosen cell.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { NetworkSpec } from '../../src/graph/network.js';
import { mul } from '../../src/graph/ops/mul.js';
import { getProxy } from '../../src/proxies/index.js';
import * as proxyModule from '../../src/proxies/proxy.js';
import type { ProxyContext, ProxyDefinition, ProxyScorer, ProxyValue } from '../../src/proxies/proxy.js';
import { scoreArchitectures } from '../../src/proxies/run.js';
import type { ConstantProgram, SpaceProxyHooks } from '../../src/spaces/proxy-hooks.js';
import type { AnySpace } from '../../src/spaces/space.js';
import { NaskitError } from '../../src/util/errors.js';
import { Rng } from '../../src/util/rng.js';
import { tinyProxyContext } from './tiny-proxy-context.js';

export interface ProxyContractOptions {
  /** A space the proxy supports (with `build`; proxy hooks optional). */
  space: AnySpace;
  /** Cells (as `space.format` strings) the proxy must score with finite values; at least two. */
  archs: readonly string[];
  /**
   * The cell faults are injected into. It must be its own canonical (constant-weight) cell and share
   * no program group with `archs`, so that the other cells run exactly as without it.
   */
  faulty: string;
  /** A fresh context over `space` for a seed (default: tinyProxyContext, 4 channels, 8×8 images). */
  context?: (space: AnySpace, seed: number) => ProxyContext;
  /**
   * Provoke a non-finite raw value by feeding NaN into the faulty cell's network (default), or skip
   * with a reason (proxies that only count the graph can never be non-finite).
   */
  nonFinite?: true | { skip: string };
  /** A space the proxy does not support, to check the refusal (when the proxy restricts `spaces`). */
  unsupported?: AnySpace;
  /** Seed of the proxy context (default 3). */
  seed?: number;
}

export type Fault = 'throw' | 'nan';

export const FAULT_MESSAGE = 'injected fault';

/**
 * `space` with faults injected for some cells (keyed by `space.key`): 'throw' makes the cell's
 * network (own build, shared proxy network, constant-weight run) throw; 'nan' feeds the cell's network
 * NaN (its own build with the input multiplied by NaN, or NaN constant-weight feeds).
 */
export function faultySpace(space: AnySpace, faults: ReadonlyMap<string, Fault>): AnySpace {
  const faultOf = (arch: unknown): Fault | undefined => faults.get(space.key(arch));
  const hooks = space.proxyHooks;
  const build = space.build?.bind(space);
  const cw = hooks?.constantWeights;
  const network = hooks?.network?.bind(hooks);
  const wrappedHooks: SpaceProxyHooks<unknown> | undefined = hooks && {
    ...hooks,
    ...(network && {
      network(arch, config, sharing, sharedGroups) {
        const fault = faultOf(arch);
        if (fault === 'throw') throw new Error(`${FAULT_MESSAGE}: proxy network of ${space.format(arch)}`);
        // A poisoned cell gets its own (poisoned) build network, never a program it shares.
        if (fault === 'nan') return null;
        return network(arch, config, sharing, sharedGroups);
      },
    }),
    ...(cw && {
      constantWeights: {
        ...cw,
        program(arch, config): ConstantProgram<unknown> {
          const program = cw.program(arch, config);
          return {
            ...program,
            feeds(slots) {
              const feeds = program.feeds(slots);
              const slotFaults = slots.map((s) => faultOf(s.arch));
              if (slotFaults.includes('throw')) throw new Error(`${FAULT_MESSAGE}: constant-weight run`);
              if (!slotFaults.includes('nan')) return feeds;
              return Object.fromEntries(
                Object.entries(feeds).map(([name, v]) => [name, v.map(() => Number.NaN)]),
              );
            },
          };
        },
      },
    }),
  };
  return Object.create(space, {
    build: {
      value: build
        ? (arch: unknown, config: Parameters<typeof build>[1]): NetworkSpec => {
            const fault = faultOf(arch);
            if (fault === 'throw') throw new Error(`${FAULT_MESSAGE}: build of ${space.format(arch)}`);
            const net = build(arch, config);
            if (fault !== 'nan') return net;
            return { ...net, forward: (ctx, x) => net.forward(ctx, mul(x, Number.NaN)) };
          }
        : undefined,
    },
    proxyHooks: { value: wrappedHooks },
  }) as AnySpace;
}

const defaultContext = (space: AnySpace, seed: number): ProxyContext =>
  tinyProxyContext(space, { proxy: seed, images: seed + 100 });

const flip = (d: proxyModule.ProxyDirection): proxyModule.ProxyDirection =>
  d === 'maximize' ? 'minimize' : 'maximize';

function finiteValues(scores: readonly ProxyValue[], label: string): number[] {
  return scores.map((s, i) => {
    expect(s.failure, `${label}, cell ${i}`).toBeUndefined();
    expect(Number.isFinite(s.value), `${label}, cell ${i}: ${s.value}`).toBe(true);
    expect(s.seconds >= 0 && Number.isFinite(s.seconds)).toBe(true);
    return s.value!;
  });
}

export function runProxyContract(proxy: ProxyDefinition, options: ProxyContractOptions): void {
  const { space } = options;
  const seed = options.seed ?? 3;
  const makeContext = options.context ?? defaultContext;
  const archs = options.archs.map((s) => space.parse(s));
  const faultyArch = space.parse(options.faulty);
  const run = async (
    context: ProxyContext,
    cells: readonly unknown[],
    scorers?: Map<string, ProxyScorer>,
  ): Promise<ProxyValue[]> =>
    (await scoreArchitectures({ context, proxies: [proxy], archs: cells, ...(scorers && { scorers }) })).get(
      proxy.name,
    )!;

  // The reference run: a context over the space wrapped for fault injection (no faults yet), whose
  // scorer is kept so later runs reuse its compiled programs and per-session setup (epsilon-robust's
  // calibration); released after the suite.
  const faults = new Map<string, Fault>();
  const referenceContext = makeContext(faultySpace(space, faults), seed);
  const kept = new Map<string, ProxyScorer>();
  let reference: Promise<ProxyValue[]> | undefined;
  const baseline = (): Promise<ProxyValue[]> => (reference ??= run(referenceContext, archs, kept));
  /** Score again with the kept scorer, the values its session shared with siblings forgotten. */
  const again = async (cells: readonly unknown[]): Promise<ProxyValue[]> => {
    await baseline();
    referenceContext.session.forgetSharedValues();
    return run(referenceContext, cells, kept);
  };

  // The same seed again in a fresh context over the plain space, recording every call of orient.
  type OrientCall = { definition: Pick<ProxyDefinition, 'name' | 'direction'>; value: number | null };
  let repeated: Promise<{ values: ProxyValue[]; calls: OrientCall[] }> | undefined;
  const rerun = () =>
    (repeated ??= (async () => {
      const spy = vi.spyOn(proxyModule, 'orient');
      try {
        const values = await run(makeContext(space, seed), archs);
        const calls = spy.mock.calls.map(([definition], i) => ({
          definition: { name: definition.name, direction: definition.direction },
          value: (spy.mock.results[i]!.value as ProxyValue).value,
        }));
        return { values, calls };
      } finally {
        spy.mockRestore();
      }
    })());

  /** Scores of archs + the faulty cell with the fault on (the scorer was created before it). */
  const withFault = async (fault: Fault): Promise<ProxyValue[]> => {
    await baseline();
    faults.set(space.key(faultyArch), fault);
    try {
      return await again([...archs, faultyArch]);
    } finally {
      faults.clear();
    }
  };

  describe(`proxy contract: ${proxy.name} on ${space.name}`, () => {
    afterAll(async () => {
      for (const scorer of kept.values()) await scorer.release();
    });

    it('is registered under its name and declares a direction, its data and its spaces', () => {
      expect(getProxy(proxy.name)).toBe(proxy);
      expect(['maximize', 'minimize']).toContain(proxy.direction);
      expect(['none', 'images', 'labels']).toContain(proxy.data);
      // The description says which way the score points.
      expect(proxy.description).toMatch(/higher = better|sign/i);
      if (proxy.spaces) expect(proxy.spaces).toContain(space.name);
      else expect(space.build, `${proxy.name} scores any space with build`).toBeDefined();
    });

    it('checks its own fixture: distinct cells, a faulty cell with its own program group', () => {
      expect(archs.length).toBeGreaterThanOrEqual(2);
      const keys = archs.map((a) => space.key(a));
      expect(new Set(keys).size).toBe(keys.length);
      const hooks = space.proxyHooks;
      const groups = new Set(archs.map((a) => hooks?.programGroup?.(a, 'group') ?? ''));
      const faultyGroup = hooks?.programGroup?.(faultyArch, 'group') ?? '';
      if (faultyGroup !== '') expect(groups.has(faultyGroup)).toBe(false);
      const cw = hooks?.constantWeights;
      if (cw) {
        expect(space.key(cw.canonical(faultyArch))).toBe(space.key(faultyArch));
        const keys = new Set(archs.map((a) => cw.programKey(cw.canonical(a))));
        expect(keys.has(cw.programKey(faultyArch))).toBe(false);
      }
    });

    it('scores normal cells with finite values', async () => {
      finiteValues(await baseline(), proxy.name);
    });

    it('gives bit-identical values for the same seed in a fresh context', async () => {
      const first = finiteValues(await baseline(), proxy.name);
      const again = finiteValues((await rerun()).values, `${proxy.name} again`);
      again.forEach((v, i) => expect(Object.is(v, first[i]), `cell ${i}: ${v} vs ${first[i]}`).toBe(true));
    });

    it('reports every score through orient with its own name and direction', async () => {
      const { values, calls } = await rerun();
      expect(calls.length).toBeGreaterThan(0);
      for (const { definition } of calls)
        expect(definition).toEqual({ name: proxy.name, direction: proxy.direction });
      const returned = new Set(calls.map((c) => c.value));
      for (const v of values) expect(returned.has(v.value), `${v.value} did not come from orient`).toBe(true);
    });

    it('flips every score when orient applies the opposite direction', async () => {
      const first = finiteValues(await baseline(), proxy.name);
      const real = proxyModule.orient;
      const spy = vi
        .spyOn(proxyModule, 'orient')
        .mockImplementation((definition, raw, seconds, why) =>
          real({ ...definition, direction: flip(definition.direction) }, raw, seconds, why),
        );
      try {
        const flipped = finiteValues(await again(archs), `${proxy.name} flipped`);
        flipped.forEach((v, i) => expect(v).toBe(-first[i]!));
      } finally {
        spy.mockRestore();
      }
    });

    it('records a cell whose network throws as a failure with a reason; the other cells keep their scores', async () => {
      const first = finiteValues(await baseline(), proxy.name);
      const scores = await withFault('throw');
      expect(scores).toHaveLength(archs.length + 1);
      const bad = scores[archs.length]!;
      expect(bad.value).toBeNull();
      expect(bad.failure).toContain(proxy.name);
      expect(bad.failure).toContain(FAULT_MESSAGE);
      expect(finiteValues(scores.slice(0, archs.length), `${proxy.name} beside a throwing cell`)).toEqual(
        first,
      );
    });

    if (options.nonFinite === undefined || options.nonFinite === true) {
      it('records a cell whose raw value is non-finite as a failure; the other cells keep their scores', async () => {
        const first = finiteValues(await baseline(), proxy.name);
        const scores = await withFault('nan');
        const bad = scores[archs.length]!;
        expect(bad.value).toBeNull();
        expect(bad.failure).toMatch(/\S/);
        expect(finiteValues(scores.slice(0, archs.length), `${proxy.name} beside a NaN cell`)).toEqual(first);
      });
    } else {
      it.skip(`non-finite raw value: ${options.nonFinite.skip}`, () => {});
    }

    const other = options.unsupported;
    if (proxy.spaces && other) {
      it('refuses a space it does not support with a NaskitError', async () => {
        expect(proxy.spaces).not.toContain(other.name);
        const run = scoreArchitectures({
          context: makeContext(other, seed),
          proxies: [proxy],
          archs: [other.sample(new Rng(1))],
        });
        await expect(run).rejects.toBeInstanceOf(NaskitError);
        await expect(run).rejects.toMatchObject({ code: 'invalid_argument' });
      });
    }
  });
}
