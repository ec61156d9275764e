/**
 * Few-shot supernets: a member trained with --subspace from a parent (--init-from) starts from the
 * parent's weights, keeps the parent's initial weights as the angle's reference and steps only ops of
 * its subspace's paths; a family scores each cell with the member whose subspace holds it, exactly as
 * that member alone would; mismatched or overlapping families and cells outside every subspace are
 * refused with a clear error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../runtime/checkpoint.js';
import type { ParamStore } from '../../runtime/params.js';
import { getSpace } from '../../spaces/index.js';
import {
  checkSubspace,
  convCount,
  parseSubspace,
  sampleSubspace,
  subspaceContains,
  subspacesOverlap,
} from '../../spaces/subspace.js';
import { Rng } from '../../util/rng.js';
import { createProgress } from '../progress.js';
import { scoreWithSupernet } from './eval-job.js';
import { runGenas } from './genas-job.js';
import { runSupernetTraining, type SupernetJobInput } from './train-job.js';

const work = mkdtempSync(join(tmpdir(), 'naskit-few-shot-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const quiet = createProgress('quiet');
const nb201 = getSpace('nb201');

const BASE: Omit<SupernetJobInput, 'out'> = {
  space: 'nb201',
  mode: 'single-path',
  dataset: 'fashion-mnist',
  trainImages: 192,
  channels: 4,
  cells: 1,
  epochs: 2,
  batch: 32,
  lr: 0.1,
  seed: 5,
  threads: 1,
};
const parent = join(work, 'parent');
const noConvs = join(work, 'convs-0');
const withConvs = join(work, 'convs-1-6');
const edgeNone = join(work, 'edge-0-none');
const ZERO = '|skip_connect~0|+|avg_pool_3x3~0|skip_connect~1|+|none~0|skip_connect~1|avg_pool_3x3~2|';
const THREE = '|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|skip_connect~1|nor_conv_3x3~2|';

function params(dir: string, file = 'checkpoint.safetensors'): ParamStore {
  return loadCheckpoint(join(dir, file)).params;
}
const same = (a: ParamStore, b: ParamStore, n: string) =>
  Buffer.from(a.get(n).buffer).equals(Buffer.from(b.get(n).buffer));

beforeAll(async () => {
  await runSupernetTraining({ ...BASE, out: parent }, quiet);
  await runSupernetTraining(
    { ...BASE, subspace: 'convs:0', initFrom: parent, epochs: 1, out: noConvs },
    quiet,
  );
  await runSupernetTraining(
    { ...BASE, subspace: 'convs:1-6', initFrom: parent, epochs: 1, out: withConvs },
    quiet,
  );
  await runSupernetTraining(
    { ...BASE, sampling: 'fair', subspace: 'edge:0=none', initFrom: parent, epochs: 1, out: edgeNone },
    quiet,
  );
}, 120_000);

describe('subspaces', () => {
  it('parse convs:A-B, count convolutions and sample only inside', () => {
    expect(parseSubspace(' convs:2-3 ')).toEqual({ kind: 'convs', label: 'convs:2-3', min: 2, max: 3 });
    expect(parseSubspace('convs:4-4').label).toBe('convs:4');
    expect(() => parseSubspace('convs:3-1')).toThrow(/upper count 1 is below the lower 3/);
    expect(() => parseSubspace('depth:2')).toThrow(/write edge:E=OP .* or convs:A-B/);
    expect(convCount(nb201, nb201.parse(THREE))).toBe(3);
    const sub = parseSubspace('convs:5-6');
    const rng = new Rng(1);
    for (let i = 0; i < 50; i++)
      expect(subspaceContains(nb201, sub, sampleSubspace(nb201, sub, rng))).toBe(true);
    expect(() => sampleSubspace(nb201, parseSubspace('convs:7-9'), rng)).toThrow(/empty or too rare/);
    const edge = parseSubspace('edge:5=nor_conv_3x3');
    expect(subspaceContains(nb201, edge, nb201.parse(THREE))).toBe(true);
    expect(subspaceContains(nb201, edge, nb201.parse(ZERO))).toBe(false);
    expect(() => checkSubspace(nb201, parseSubspace('edge:6=none'))).toThrow(/edges 0\.\.5/);
    expect(() => checkSubspace(nb201, parseSubspace('edge:1=sep_conv_3x3'))).toThrow(/not a nb201 op/);
    // One edge's ops split the space; other edges, or a convs subspace, cut across it.
    expect(subspacesOverlap(parseSubspace('edge:0=none'), parseSubspace('edge:0=skip_connect'))).toBe(false);
    expect(subspacesOverlap(parseSubspace('edge:0=none'), parseSubspace('edge:1=none'))).toBe(true);
    expect(subspacesOverlap(parseSubspace('edge:0=none'), parseSubspace('convs:0'))).toBe(true);
    expect(subspacesOverlap(parseSubspace('convs:0-2'), parseSubspace('convs:3-6'))).toBe(false);
  });
});

describe('few-shot sub-supernets', () => {
  it("start from the parent's weights and step only the ops of their subspace", () => {
    const p = params(parent);
    const child = params(noConvs);
    // The angle's reference is the parent's initialization, not the child's start.
    const pInit = params(parent, 'init.safetensors');
    const cInit = params(noConvs, 'init.safetensors');
    for (const n of pInit.names()) expect(same(pInit, cInit, n), n).toBe(true);
    // convs:0 never draws a convolution on an edge: those weights are the parent's, bit for bit.
    const edgeConvs = p.names().filter((n) => /edge\d+\/nor_conv/.test(n) && n.endsWith('conv/weight'));
    expect(edgeConvs.length).toBeGreaterThan(0);
    for (const n of edgeConvs) expect(same(p, child, n), n).toBe(true);
    expect(same(p, child, 'classifier/weight')).toBe(false);
    // The other member did train convolutions.
    expect(edgeConvs.some((n) => !same(p, params(withConvs), n))).toBe(true);
    // Fair sampling with edge 0 pinned to none: edge 0's convolutions keep the parent's weights, every
    // other edge's are trained (each op of every other edge is in every group).
    const pinned = params(edgeNone);
    for (const n of edgeConvs) expect(same(p, pinned, n), n).toBe(n.includes('/edge01/'));
  });

  it('score each cell of a family with the member whose subspace holds it', async () => {
    const score = (supernet: string, arch: string) =>
      scoreWithSupernet({ supernet, archs: [arch], calibrationImages: 64, threads: 1 }, quiet);
    const family = `${noConvs},${withConvs}`;
    const strip = (r: Awaited<ReturnType<typeof score>>) => r.scores.map(({ seconds: _s, ...rest }) => rest);
    const zero = await score(family, ZERO);
    expect(strip(zero)).toEqual(strip(await score(noConvs, ZERO)));
    expect(strip(await score(family, THREE))).toEqual(strip(await score(withConvs, THREE)));
    expect(strip(await score(family, THREE))).not.toEqual(strip(await score(parent, THREE)));
    expect(zero.epoch).toEqual([1, 1]);
    expect(zero.supernet.split(',')).toHaveLength(2);
  });

  it('run a GeNAS search over a family that covers the space', async () => {
    const r = await runGenas(
      {
        space: 'nb201',
        objective: 'accuracy',
        supernet: `${noConvs},${withConvs}`,
        training: {},
        calibrationImages: 64,
        evolution: { population: 6, mutations: 3, crossovers: 3, topK: 3, generations: 2 },
        seeds: 1,
        threads: 1,
        out: join(work, 'genas-family'),
      },
      quiet,
    );
    expect(r.supernet.split(',')).toHaveLength(2);
    expect(r.cells_scored).toBeGreaterThan(6);
    expect(nb201.parse(r.runs[0]!.arch)).toBeTruthy();
  });

  it('refuse mismatched parents, fair sampling, overlapping families and cells outside every member', async () => {
    await expect(
      runSupernetTraining(
        { ...BASE, channels: 8, subspace: 'convs:0', initFrom: parent, out: join(work, 'x') },
        quiet,
      ),
    ).rejects.toThrow(/trained with channels 4, this training has 8/);
    await expect(
      runSupernetTraining({ ...BASE, sampling: 'fair', subspace: 'convs:0', out: join(work, 'y') }, quiet),
    ).rejects.toThrow(/drop --sampling fair/);
    await expect(
      runSupernetTraining({ ...BASE, initFrom: join(work, 'missing'), out: join(work, 'z') }, quiet),
    ).rejects.toThrow(/--init-from .* does not exist/);
    const score = (supernet: string, arch: string) =>
      scoreWithSupernet({ supernet, archs: [arch], calibrationImages: 64, threads: 1 }, quiet);
    await expect(score(`${parent},${noConvs}`, ZERO)).rejects.toThrow(/trained on the whole space/);
    await expect(score(`${noConvs},${noConvs}`, ZERO)).rejects.toThrow(/overlap/);
    await expect(score(noConvs, THREE)).rejects.toThrow(
      /\(3 convolution ops\) is in none of the supernets' subspaces \(convs:0\)/,
    );
  });

  it("score with a member after its parent's folder is gone", async () => {
    rmSync(parent, { recursive: true });
    const r = await scoreWithSupernet(
      { supernet: noConvs, archs: [ZERO], calibrationImages: 64, threads: 1 },
      quiet,
    );
    expect(r.scores[0]!.arch).toBe(ZERO);
  });
});
