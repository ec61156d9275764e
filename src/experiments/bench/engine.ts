/** `naskit bench engine`: forward and training-step time of the NB201 network, optionally beside PyTorch. */
import { setDefaultThreads } from '../../runtime/session.js';
import {
  benchEngine,
  type EngineBenchOptions,
  type EngineBenchResult,
  type EngineProfile,
} from '../bench-engine.js';
import { benchOutput } from './output.js';

export type EngineBenchFlags = Omit<EngineBenchOptions, 'arch'> & { json?: boolean };

/** Run the bench and return what the command prints. */
export async function runEngineBench(flags: EngineBenchFlags): Promise<string> {
  if (flags.threads) setDefaultThreads(flags.threads);
  const result = await benchEngine({
    threads: flags.threads,
    batch: flags.batch,
    repeats: flags.repeats,
    warmup: flags.warmup,
    compareTorch: Boolean(flags.compareTorch),
    fanout: flags.fanout !== false,
    profile: Boolean(flags.profile),
  });
  return benchOutput(result, flags.json, engineLines);
}

function engineLines(r: EngineBenchResult): string[] {
  const lines = [
    `engine        ${r.engine}, ${r.threads} threads, batch ${r.batch}, ${r.params} params, ` +
      `conv fan-out ${r.fanout ? 'fused' : 'per edge (--no-fanout)'}`,
    `forward       ${r.forward_ms} ms (median)`,
    `train step    ${r.train_step_ms} ms (median; forward + backward + SGD momentum)`,
    `peak RSS      ${r.peak_rss_mb} MB`,
  ];
  if (r.torch && 'error' in r.torch) lines.push(`pytorch       ${r.torch.error}`);
  else if (r.torch) {
    lines.push(
      `pytorch       ${r.torch.engine}: forward ${r.torch.forward_ms} ms, train step ${r.torch.train_step_ms} ms`,
    );
    lines.push(`ratio         naskit / pytorch train step = ${r.train_step_ratio_vs_torch}`);
  }
  if (r.profile) lines.push('', ...profileLines(r.profile));
  return lines;
}

function profileLines(p: EngineProfile): string[] {
  return [
    `profile of one training step (ORT kernel ms, mean of ${p.runs} profiled runs; ${p.kernel_ms} ms in all)`,
    ...p.ops
      .filter((r) => r.ms >= 0.5)
      .map(
        (r) => `  ${r.phase.padEnd(9)} ${r.op.padEnd(24)} ${r.ms.toFixed(1).padStart(8)}  (${r.nodes} nodes)`,
      ),
    `multiply-add kernels (Conv, MatMul, Gemm) ${p.arithmetic_ms} of ${p.kernel_ms} ms; forward Conv ${p.conv_forward_ms} ms`,
    `floor     ${p.floor_ms} ms per step if every other kernel were free (train step × multiply-add share)`,
  ];
}
