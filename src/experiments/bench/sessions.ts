/** `naskit bench sessions`: memory over many create/run/release cycles of a training-step program. */
import { benchSessions, type SessionBenchResult } from '../bench-sessions.js';
import { benchOutput } from './output.js';

export interface SessionsBenchFlags {
  cycles?: number;
  threads?: number;
  json?: boolean;
}

/** Run the bench and return what the command prints. */
export async function runSessionsBench(flags: SessionsBenchFlags): Promise<string> {
  const result = await benchSessions({ cycles: flags.cycles, threads: flags.threads });
  return benchOutput(result, flags.json, sessionLines);
}

function sessionLines(r: SessionBenchResult): string[] {
  return [
    `cycles        ${r.cycles} (simple-cnn training step, batch ${r.batch}: create, run once, release)`,
    `time          ${r.ms_per_cycle} ms per cycle`,
    `RSS           ${r.rss_warm_mb} MB after ${r.samples[0]![0]} cycles, ${r.rss_end_mb} MB after ${r.cycles}`,
    `growth        ${r.growth_mb} MB (${r.growth_per_cycle_kb} kB per cycle after warm-up; one live session holds ${r.session_mb} MB)`,
    `samples       ${r.samples.map(([c, mb]) => `${c}:${mb}`).join(' ')}`,
  ];
}
