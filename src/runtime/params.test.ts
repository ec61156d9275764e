import { describe, expect, it } from 'vitest';
import { Graph } from '../graph/graph.js';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { ParamStore } from './params.js';

function smallGraph(order: 'ab' | 'ba' = 'ab'): Graph {
  const g = new Graph('small');
  const declare = {
    a: () => g.param('conv/w', [4, 3, 3, 3], { init: { kind: 'kaimingNormal', fanIn: 27, fanOut: 36 } }),
    b: () => g.param('bn/gamma', [4], { init: { kind: 'ones' }, noDecay: true }),
  };
  if (order === 'ab') {
    declare.a();
    declare.b();
  } else {
    declare.b();
    declare.a();
  }
  g.param('bn/running_mean', [4], { init: { kind: 'zeros' }, trainable: false });
  return g;
}

describe('ParamStore', () => {
  it('initializes every parameter from its spec, in graph order', () => {
    const store = ParamStore.fromGraph(smallGraph(), new Rng(3));
    expect(store.names()).toEqual(['conv/w', 'bn/gamma', 'bn/running_mean']);
    expect(store.get('conv/w').length).toBe(108);
    expect([...store.get('bn/gamma')]).toEqual([1, 1, 1, 1]);
    expect(store.numel()).toBe(116);
    expect(store.numel('trainable')).toBe(112);
    expect(store.trainableNames()).toEqual(['conv/w', 'bn/gamma']);
    expect(store.bufferNames()).toEqual(['bn/running_mean']);
    expect(store.decays('conv/w')).toBe(true);
    expect(store.decays('bn/gamma')).toBe(false);
    expect(store.decays('bn/running_mean')).toBe(false);
    expect(store.info('conv/w').shape).toEqual([4, 3, 3, 3]);
  });

  it('gives each parameter a value that depends only on the seed and its name', () => {
    const a = ParamStore.fromGraph(smallGraph('ab'), new Rng(11));
    const b = ParamStore.fromGraph(smallGraph('ba'), new Rng(11));
    const c = ParamStore.fromGraph(smallGraph('ab'), new Rng(12));
    expect(a.get('conv/w')).toEqual(b.get('conv/w'));
    expect(a.get('conv/w')).not.toEqual(c.get('conv/w'));
  });

  it('shares parameters between graphs and rejects a shape clash', () => {
    const store = ParamStore.fromGraph(smallGraph(), new Rng(1));
    const before = store.get('conv/w');
    const eval_ = smallGraph();
    eval_.param('head/b', [10], { init: { kind: 'zeros' }, noDecay: true });
    expect(store.addFromGraph(eval_, new Rng(1))).toEqual(['head/b']);
    expect(store.get('conv/w')).toBe(before);

    const clash = new Graph('clash');
    clash.param('conv/w', [4, 3, 1, 1], { init: { kind: 'zeros' } });
    expect(() => store.addFromGraph(clash, new Rng(1))).toThrow(/shape \[4, 3, 1, 1\].*\[4, 3, 3, 3\]/);
  });

  it('refuses parameters without an initializer', () => {
    const g = new Graph('g');
    g.param('w', [2]);
    expect(() => ParamStore.fromGraph(g, new Rng(0))).toThrow(/'w' has no initializer/);
  });

  it('get/set/has/clone/copyFrom', () => {
    const store = ParamStore.fromGraph(smallGraph(), new Rng(5));
    expect(store.has('bn/gamma')).toBe(true);
    expect(store.has('nope')).toBe(false);
    try {
      store.get('nope');
      expect.unreachable();
    } catch (e) {
      expect((e as NaskitError).code).toBe('not_found');
    }
    expect(() => store.set('bn/gamma', new Float32Array(3))).toThrow(NaskitError);
    store.set('bn/gamma', Float32Array.of(1, 2, 3, 4));
    const copy = store.clone();
    copy.get('bn/gamma')[0] = 9;
    expect(store.get('bn/gamma')[0]).toBe(1);
    store.copyFrom(copy);
    expect(store.get('bn/gamma')[0]).toBe(9);
    expect(copy.get('bn/gamma')).not.toBe(store.get('bn/gamma'));
  });
});
