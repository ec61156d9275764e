/** `naskit bench supernet`: supernet training cost (load, weight and α steps), optionally beside PyTorch. */
import { setDefaultThreads } from '../../runtime/session.js';
import { benchSupernet, type SupernetBenchOptions, type SupernetBenchResult } from '../supernet/bench.js';
import { benchOutput } from './output.js';

export type SupernetBenchFlags = SupernetBenchOptions & { json?: boolean };

/** Run the bench and return what the command prints. */
export async function runSupernetBench(flags: SupernetBenchFlags): Promise<string> {
  const { json, ...options } = flags;
  if (options.threads) setDefaultThreads(options.threads);
  const result = await benchSupernet({ ...options, compareTorch: Boolean(options.compareTorch) });
  return benchOutput(result, json, supernetLines);
}

function supernetLines(r: SupernetBenchResult): string[] {
  const lines = [
    `supernet      ${r.space} ${r.mode}, C=${r.channels}, cells ${r.cells}, ${r.resolution}×${r.resolution}, batch ${r.batch}, ${r.threads} threads, ${r.weights} weights`,
    `load          ${r.load_s} s (build + ONNX Runtime session${r.mode === 'mixed' ? 's: weight and α programs' : ''})`,
    `weight step   ${r.train_step_ms} ms (${r.mode === 'mixed' ? 'median' : `mean over ${r.paths} paths of each path's median`}; forward + backward + clip + SGD)`,
  ];
  if (r.alpha_step_ms !== undefined)
    lines.push(`α step        ${r.alpha_step_ms} ms (median; forward + backward of α + Adam)`);
  if (r.standalone_step_ms !== undefined) {
    lines.push(`standalone    ${r.standalone_step_ms} ms (the same cells as their own networks)`);
    lines.push(
      `ratio         ${r.standalone_ratio} (${r.fed_path ? 'one program, path fed' : 'one program per path'})`,
    );
  }
  if (r.torch_error) lines.push(`pytorch       ${r.torch_error}`);
  else if (r.torch_train_step_ms !== undefined) {
    lines.push(
      `pytorch       weight step ${r.torch_train_step_ms} ms, α step ${r.torch_alpha_step_ms} ms (${r.torch_weights} weights)`,
    );
    lines.push(`ratio         naskit / pytorch weight step = ${r.train_step_ratio_vs_torch}`);
  }
  lines.push(`peak RSS      ${r.peak_rss_mb} MB`);
  return lines;
}
