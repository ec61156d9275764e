/**
 * Per-op-type summaries of ONNX Runtime profiles: which kernels a training step spends its time in,
 * split into forward and backward by the node names autodiff gives gradient nodes ('…/grad/…').
 */
import type { ProfileEvent } from './session.js';

export type ProfilePhase = 'forward' | 'backward' | 'layout';

export interface OpTime {
  op: string;
  phase: ProfilePhase;
  /** Mean kernel milliseconds per run. */
  ms: number;
  /** Kernel launches per run. */
  nodes: number;
}

const KERNEL_SUFFIX = '_kernel_time';

function phaseOf(nodeName: string, op: string): ProfilePhase {
  // ORT's NCHWc transformer inserts these to convert between blocked and plain layouts.
  if (op.startsWith('Reorder')) return 'layout';
  return /(^|\/)grad(\/|$)/.test(nodeName) ? 'backward' : 'forward';
}

/** Kernel time per (op type, phase), mean per run, sorted by time. */
export function kernelTimes(events: readonly ProfileEvent[], runs: number): OpTime[] {
  const totals = new Map<string, OpTime>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith(KERNEL_SUFFIX)) continue;
    const op = e.args?.op_name ?? 'unknown';
    const phase = phaseOf(e.name.slice(0, -KERNEL_SUFFIX.length), op);
    const key = `${phase}:${op}`;
    const t = totals.get(key) ?? { op, phase, ms: 0, nodes: 0 };
    t.ms += e.dur / 1000;
    t.nodes += 1;
    totals.set(key, t);
  }
  return [...totals.values()]
    .map((t) => ({ ...t, ms: t.ms / runs, nodes: t.nodes / runs }))
    .sort((a, b) => b.ms - a.ms);
}

/** Sum of kernel milliseconds per run over the rows that match. */
export function sumMs(rows: readonly OpTime[], match: (row: OpTime) => boolean = () => true): number {
  return rows.filter(match).reduce((sum, r) => sum + r.ms, 0);
}
