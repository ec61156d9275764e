/**
 * Every registered proxy against the proxy contract (test/helpers/proxy-contract.ts) on NB201 at
 * 4 channels, 1 cell per stage, 8×8 synthetic images: finite, seed-deterministic, oriented by its
 * declared direction, failures recorded rather than thrown.
 */
import { describe, expect, it } from 'vitest';
import { toySpace } from '../../test/helpers/fake-space.js';
import { runProxyContract } from '../../test/helpers/proxy-contract.js';
import { tinyProxyContext } from '../../test/helpers/tiny-proxy-context.js';
import { nb201 } from '../spaces/index.js';
import type { AnySpace } from '../spaces/space.js';
import { NaskitError } from '../util/errors.js';
import { constantScorer } from './constant/scorer.js';
import { getProxy, proxyNames } from './index.js';
import { buildForward, netScorer } from './net/harness.js';
import { staticScorer } from './net/static.js';
import {
  defineProxy,
  type ProxyContext,
  type ProxyDefinition,
  type ProxyDirection,
  type ProxyScorer,
  type ProxyValue,
} from './proxy.js';
import { scoreArchitectures } from './run.js';

/** Proxies that only count the network's graph or its initial weights: never non-finite. */
const COUNTS = new Set(['params', 'flops', 'l2_norm']);

for (const name of proxyNames) {
  runProxyContract(getProxy(name), {
    space: nb201 as unknown as AnySpace,
    archs: [
      // Two cells of one conv pattern (they share a program) and one of another; all have a
      // parameter-free input→output path, so epsilon is finite on them.
      '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|skip_connect~0|none~1|nor_conv_3x3~2|',
      '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_3x3~2|',
      '|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|',
    ],
    faulty: '|avg_pool_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|skip_connect~1|skip_connect~2|',
    ...(COUNTS.has(name) ? { nonFinite: { skip: `${name} counts the graph or its weights` } } : {}),
    unsupported: toySpace() as unknown as AnySpace,
  });
}

/**
 * The three scorer harnesses the proxies are built on (own-network runs, graph counts, constant-weight
 * runs), each under a test proxy defined once per direction: a finite raw value comes back oriented
 * by the declared direction, a NaN/Inf raw value and a throwing cell become recorded failures.
 */
describe('scorer harnesses: a proxy defined either way', () => {
  const space = nb201 as unknown as AnySpace;
  const cells = [
    '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|skip_connect~0|none~1|nor_conv_3x3~2|',
    '|skip_connect~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|',
    '|avg_pool_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|skip_connect~1|skip_connect~2|',
    '|nor_conv_1x1~0|+|none~0|avg_pool_3x3~1|+|none~0|none~1|nor_conv_3x3~2|',
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  ].map((s) => nb201.parse(s));
  const RAW = [2.5, -1, Number.NaN, Number.POSITIVE_INFINITY];
  /** The raw value of cell i; the last cell throws. */
  const raw = (arch: unknown): number => {
    const i = cells.findIndex((c) => nb201.key(c) === space.key(arch));
    if (i === RAW.length) throw new Error('boom');
    return RAW[i]!;
  };
  type Harness = (self: ProxyDefinition, context: ProxyContext) => ProxyScorer;
  const harnesses: Record<string, Harness> = {
    netScorer: (self, context) =>
      netScorer(self, context, {
        build(net) {
          const pg = buildForward(net, 2, false);
          return { graph: pg.graph, outputs: [pg.logits], names: ['logits'], built: null };
        },
        async score(run, arch) {
          const { logits } = await run.run({ input: context.batch(2).images });
          expect(Array.from(logits as ArrayLike<number>).every(Number.isFinite)).toBe(true);
          return raw(arch);
        },
      }),
    staticScorer: (self, context) => staticScorer(self, context, (_graph, arch) => raw(arch)),
    constantScorer: (self, context) =>
      constantScorer(
        self,
        context,
        {
          outputsMany: async (archs, weights) => archs.map(() => weights.map(() => Float32Array.of(0, 1))),
          cellsPerRun: 1,
          canonical: (arch) => arch,
          key: (arch) => space.key(arch),
          order: () => '',
          release: async () => {},
        },
        [1],
        (_outputs, arch) => ({ value: raw(arch) }),
      ),
  };

  for (const [harness, make] of Object.entries(harnesses)) {
    it(`${harness}: orients by the declared direction and records NaN, Inf and throws as failures`, async () => {
      const results = new Map<ProxyDirection, ProxyValue[]>();
      for (const direction of ['maximize', 'minimize'] as const) {
        const self: ProxyDefinition = defineProxy({
          name: `test-${direction}`,
          direction,
          data: 'none',
          description: `test proxy on the ${harness} harness; higher = better`,
          create: async (context) => make(self, context),
        });
        const context = tinyProxyContext(space, { proxy: 1, images: 2 });
        const scores = (await scoreArchitectures({ context, proxies: [self], archs: cells })).get(self.name)!;
        expect(scores.slice(2).map((s) => s.value)).toEqual([null, null, null]);
        expect(scores.slice(2).map((s) => s.failure)).toEqual([
          `test-${direction} is NaN`,
          `test-${direction} is Infinity`,
          `test-${direction} failed: boom`,
        ]);
        results.set(direction, scores);
      }
      expect(
        results
          .get('maximize')!
          .slice(0, 2)
          .map((s) => s.value),
      ).toEqual([2.5, -1]);
      expect(
        results
          .get('minimize')!
          .slice(0, 2)
          .map((s) => s.value),
      ).toEqual([-2.5, 1]);
    });
  }

  it('defineProxy refuses a direction other than maximize or minimize', () => {
    const bad = { ...getProxy('params'), direction: 'up' as ProxyDirection };
    expect(() => defineProxy(bad)).toThrow(NaskitError);
  });
});
