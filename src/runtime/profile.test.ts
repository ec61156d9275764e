import { describe, expect, it } from 'vitest';
import { Graph } from '../graph/graph.js';
import { relu } from '../graph/ops/relu.js';
import { kernelTimes, sumMs } from './profile.js';
import { Program } from './session.js';

describe('kernelTimes', () => {
  it('splits kernels into forward, backward and layout by node name and averages per run', () => {
    const rows = kernelTimes(
      [
        { cat: 'Node', name: 'cells/0/Conv_kernel_time', dur: 3000, args: { op_name: 'Conv' } },
        { cat: 'Node', name: 'cells/0/Conv/grad/Conv_kernel_time', dur: 5000, args: { op_name: 'Conv' } },
        { cat: 'Node', name: 'ReorderInput_kernel_time', dur: 1000, args: { op_name: 'ReorderInput' } },
        { cat: 'Node', name: 'cells/0/Conv_fence_before', dur: 9000, args: { op_name: 'Conv' } },
        { cat: 'Session', name: 'model_run', dur: 99000 },
      ],
      2,
    );
    expect(rows).toEqual([
      { op: 'Conv', phase: 'backward', ms: 2.5, nodes: 0.5 },
      { op: 'Conv', phase: 'forward', ms: 1.5, nodes: 0.5 },
      { op: 'ReorderInput', phase: 'layout', ms: 0.5, nodes: 0.5 },
    ]);
    expect(sumMs(rows, (r) => r.op === 'Conv')).toBe(4);
  });

  it('reads a real ORT profile of a compiled program', async () => {
    const g = new Graph('profiled');
    const x = g.input('x', [4, 8]);
    const program = await Program.compile(g, [relu(x)], { profile: true, threads: 1 });
    try {
      for (let i = 0; i < 3; i++) await program.run({ x: new Float32Array(32).fill(-1) });
      const rows = kernelTimes(program.endProfiling(), 3);
      const r = rows.find((row) => row.op === 'Relu');
      expect(r?.phase).toBe('forward');
      expect(r?.nodes).toBe(1);
    } finally {
      await program.release();
    }
  });

  it('refuses endProfiling on a program compiled without profiling', async () => {
    const g = new Graph('plain');
    const x = g.input('x', [2]);
    const program = await Program.compile(g, [relu(x)], { threads: 1 });
    expect(() => program.endProfiling()).toThrow(/without \{ profile: true \}/);
    await program.release();
  });
});
