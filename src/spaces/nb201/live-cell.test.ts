import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { nb201 } from './index.js';
import { liveNb201Cell } from './live-cell.js';

describe('liveNb201Cell', () => {
  it('keeps cells whose every edge matters and is idempotent on random cells', () => {
    const all = nb201.parse(
      '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
    );
    expect(liveNb201Cell(all)).toEqual(all);
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const arch = nb201.sample(rng);
      const once = liveNb201Cell(arch);
      expect(liveNb201Cell(once)).toEqual(once);
      // Removing idle edges never changes whether a parameter-free path exists.
      expect(nb201.hasParameterFreePath(once)).toBe(nb201.hasParameterFreePath(arch));
    }
  });

  it('removes edges out of zero nodes and into dead nodes', () => {
    const cell = nb201.parse('|skip_connect~0|+|none~0|nor_conv_1x1~1|+|none~0|none~1|none~2|');
    expect(nb201.format(liveNb201Cell(cell))).toBe('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|');
  });
});
