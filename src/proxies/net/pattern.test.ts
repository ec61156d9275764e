import { describe, expect, it } from 'vitest';
import { tinyProxyContext } from '../../../test/helpers/tiny-proxy-context.js';
import { nb201 } from '../../spaces/index.js';
import type { AnySpace } from '../../spaces/space.js';
import { getProxy } from '../index.js';
import { proxyNetwork, sharedProgramGroups } from './network.js';

const space = nb201 as unknown as AnySpace;
// Two pairs share a conv pattern (the second cell of each pair reuses the first one's program).
const archs = [
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|',
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|',
  '|skip_connect~0|+|none~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|',
  '|avg_pool_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|nor_conv_3x3~1|skip_connect~2|',
  '|none~0|+|none~0|none~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_1x1~2|',
].map((s) => nb201.parse(s));

describe('NB201 conv-pattern programs', () => {
  it('give every network proxy the scores of each cell’s own network', async () => {
    for (const name of [
      'synflow',
      'snip',
      'grasp',
      'fisher',
      'grad_norm',
      'plain',
      'jacov',
      'epe_nas',
      'nwot',
      'zen',
    ]) {
      const scores = [];
      for (const programs of ['own', 'group'] as const) {
        // A fresh context each time: its session shares no values from the other way's runs.
        const context = tinyProxyContext(space, { proxy: 1, images: 9 }, { programs });
        const scorer = await getProxy(name).create(context);
        try {
          scores.push(await scorer.score(archs));
        } finally {
          await scorer.release();
        }
      }
      const [own, shared] = scores;
      own!.forEach((v, i) => {
        const w = shared![i]!;
        expect(w.failure, `${name} arch ${i}`).toBe(v.failure);
        if (v.value === null) return;
        // The same to the bit: gates of exact 0 and 1 only add exact zeros.
        expect(w.value, `${name} arch ${i}`).toBe(v.value);
      });
    }
  }, 120_000);

  it('serve a run only where several of its cells share the pattern; lone cells get their own network', () => {
    const groups = sharedProgramGroups(space, 'group', archs);
    expect(groups.size).toBe(2);
    const config = { classes: 10, inputShape: [3, 8, 8] as const, channels: 4, cells: 1 };
    expect(archs.map((a) => proxyNetwork(space, 'group', a, config, groups).serves)).toEqual([
      'group',
      'group',
      'group',
      'group',
      'one',
    ]);
    // Outside a run (no groups given) every cell uses its pattern's program.
    expect(proxyNetwork(space, 'group', archs[4], config).serves).toBe('group');
    // Each cell's own network when the session asks for it.
    expect(sharedProgramGroups(space, 'own', archs).size).toBe(0);
    expect(proxyNetwork(space, 'own', archs[0], config).serves).toBe('one');
  });
});
