/** `naskit bench conv-grad`: conv gradient formulations side by side on NAS shape classes. */
import {
  benchConvGrad,
  formatConvGradTable,
  type ConvGradBenchOptions,
} from '../../runtime/bench/conv-grad.js';
import { benchOutput } from './output.js';

export type ConvGradBenchFlags = ConvGradBenchOptions & { json?: boolean };

/** Run the bench and return what the command prints. */
export async function runConvGradBench(flags: ConvGradBenchFlags): Promise<string> {
  const rows = await benchConvGrad({ threads: flags.threads, batch: flags.batch, repeats: flags.repeats });
  return benchOutput({ rows }, flags.json, (r) => [formatConvGradTable(r.rows)]);
}
