import { describe, expect, it } from 'vitest';
import { tinyProxyContext } from '../../../test/helpers/tiny-proxy-context.js';
import { nb201 } from '../../spaces/index.js';
import type { AnySpace } from '../../spaces/space.js';
import type { ProgramSharing } from '../../spaces/proxy-hooks.js';
import { getProxy } from '../index.js';
import type { ProxyContext } from '../proxy.js';

/** 8×8 synthetic images, NB201 at 4 channels and 1 cell per stage; a fresh session each time. */
const tinyContext = (programs: ProgramSharing): ProxyContext =>
  tinyProxyContext(nb201 as unknown as AnySpace, { proxy: 1, images: 9 }, { programs });

describe('network proxies on the NB201 one-hot supernet', () => {
  it('give the scores of the architecture’s own network', async () => {
    const archs = [
      '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|',
      '|skip_connect~0|+|none~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|',
    ].map((s) => nb201.parse(s));
    for (const name of ['snip', 'fisher', 'jacov', 'nwot', 'synflow', 'zen']) {
      const proxy = getProxy(name);
      // Two contexts: no values shared between the two ways (each session has its own).
      const viaSupernet = await proxy.create(tinyContext('supernet'));
      const viaNetwork = await proxy.create(tinyContext('own'));
      try {
        const a = await viaSupernet.score(archs);
        const b = await viaNetwork.score(archs);
        a.forEach((v, i) => {
          expect(v.value, `${name} ${v.failure ?? ''}`).not.toBeNull();
          expect(v.value! / b[i]!.value! - 1, `${name} arch ${i}`).toBeLessThan(2e-3);
          expect(v.value! / b[i]!.value! - 1, `${name} arch ${i}`).toBeGreaterThan(-2e-3);
        });
      } finally {
        await viaSupernet.release();
        await viaNetwork.release();
      }
    }
  }, 120_000);
});
