import { describe, expect, it } from 'vitest';
import { tinyProxyContext } from '../../test/helpers/tiny-proxy-context.js';
import { nb201 } from '../spaces/index.js';
import type { AnySpace } from '../spaces/space.js';
import { grasp } from './grasp.js';
import { graspExact } from './net/grasp-exact.js';
import { getProxy } from './index.js';
import type { ProxyContext } from './proxy.js';

/** NB201 at 4 channels, 1 cell per stage, on 8×8 synthetic images with 3 classes. */
const tinyContext = (): ProxyContext =>
  tinyProxyContext(nb201 as unknown as AnySpace, { proxy: 2, images: 4 });

const ARCHS = [
  '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|',
  '|skip_connect~0|+|none~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|',
  '|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_1x1~0|skip_connect~1|nor_conv_1x1~2|',
].map((s) => nb201.parse(s));

async function scores(proxy: typeof grasp, context: ProxyContext): Promise<number[]> {
  context.session.forgetSharedValues();
  const scorer = await proxy.create(context);
  try {
    return (await scorer.score(ARCHS)).map((v) => {
      expect(v.value, v.failure).not.toBeNull();
      return v.value!;
    });
  } finally {
    await scorer.release();
  }
}

describe('grasp', () => {
  it('matches double backpropagation (frozen-ReLU central difference)', async () => {
    const context = tinyContext();
    const exact = await scores(graspExact, context);
    const fd = await scores(grasp, context);
    exact.forEach((e, i) => {
      expect(Math.abs(fd[i]! - e), `arch ${i}: ${fd[i]} vs ${e}`).toBeLessThan(1e-2 * Math.abs(e) + 1e-6);
    });
  }, 60_000);

  it('comes out of the shared run when an evaluation expects it', async () => {
    const context = tinyContext();
    const alone = await scores(grasp, context);
    context.session.forgetSharedValues();
    context.session.expect(['snip', 'grasp']);
    const snip = await getProxy('snip').create(context);
    await snip.score(ARCHS);
    await snip.release();
    const scorer = await grasp.create(context);
    const shared = await scorer.score(ARCHS);
    await scorer.release();
    shared.forEach((v, i) => expect(v.value).toBe(alone[i]));
  }, 60_000);
});
