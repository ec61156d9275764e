import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { darts, getSpace, nb101, nb201, spaceNames, tnbMacro, tnbMicro } from './index.js';
import { expectNaskitError } from '../../test/helpers/space-contract.js';

describe('space registry', () => {
  it('lists every space once, by its own name', () => {
    expect(spaceNames).toEqual(['nb201', 'nb101', 'darts', 'tnb101-micro', 'tnb101-macro']);
    const objects = [nb201, nb101, darts, tnbMicro, tnbMacro];
    spaceNames.forEach((name, i) => expect(getSpace(name)).toBe(objects[i]));
  });

  it('rejects unknown names with the list of valid ones', () => {
    const err = expectNaskitError(() => getSpace('nasbench201'), 'invalid_argument');
    expect(err.message).toContain("'nasbench201'");
    expect(err.message).toContain(spaceNames.join(', '));
  });

  it('works through the erased interface', () => {
    for (const name of spaceNames) {
      const space = getSpace(name);
      const a = space.sample(new Rng(1));
      expect(space.key(space.parse(space.format(a)))).toBe(space.key(a));
    }
  });
});
