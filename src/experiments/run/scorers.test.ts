import { describe, expect, it } from 'vitest';
import { ParamStore } from '../../runtime/params.js';
import { buildTrainGraph } from '../../runtime/train-program.js';
import { nb201 } from '../../spaces/index.js';
import { nb201Network } from '../../spaces/nb201/network.js';
import { Rng } from '../../util/rng.js';
import { nb201ParamCount } from './scorers.js';

describe('params proxy', () => {
  it('counts exactly the trainable parameters of the built network', () => {
    const rng = new Rng(5);
    const settings = [
      { channels: 8, cells: 1, inputShape: [1, 28, 28] as const, classes: 10 },
      { channels: 4, cells: 2, inputShape: [3, 16, 16] as const, classes: 7 },
    ];
    for (const s of settings) {
      for (let i = 0; i < 4; i++) {
        const arch = nb201.sample(rng);
        const net = nb201Network(arch, {
          channels: s.channels,
          cellsPerStage: s.cells,
          classes: s.classes,
          inputShape: s.inputShape,
        });
        const store = ParamStore.fromGraph(buildTrainGraph(net, 2).graph, new Rng(0));
        expect(nb201ParamCount(nb201.format(arch), s.channels, s.cells, s.inputShape[0], s.classes)).toBe(
          store.numel('trainable'),
        );
      }
    }
  });
});
