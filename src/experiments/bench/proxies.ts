/** `naskit bench proxies`: seconds per architecture of each zero-cost proxy on NB201 CIFAR-10 cells. */
import { availableParallelism } from 'node:os';
import { resolveDataDir } from '../../util/data-dir.js';
import { benchProxies, type ProxyBenchResult } from '../proxies/bench.js';
import { benchOutput } from './output.js';

export interface ProxiesBenchFlags {
  dataDir?: string;
  n: number;
  /** Comma-separated proxy names. */
  proxies: string;
  seed: number;
  threads?: number;
  concurrency?: number;
  workers?: number;
  together?: boolean;
  json?: boolean;
}

/** Run the bench and return what the command prints. */
export async function runProxiesBench(flags: ProxiesBenchFlags): Promise<string> {
  const result = await benchProxies({
    dataDir: resolveDataDir(flags.dataDir),
    n: flags.n,
    proxies: String(flags.proxies)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    seed: flags.seed,
    threads: flags.threads,
    concurrency: flags.concurrency,
    workers: flags.workers ?? availableParallelism(),
    together: Boolean(flags.together),
  });
  return benchOutput(result, flags.json, proxiesLines);
}

function proxiesLines(r: ProxyBenchResult): string[] {
  const lines = [
    `NB201 cifar10, batch ${r.batch}, ${r.n} archs, ${r.workers} worker(s) x ${r.threads} thread(s) x ${r.concurrency} in flight, ${r.cores} cores (load ${r.load_avg_start} at start)`,
    ...Object.entries(r.proxies).map(
      ([name, p]) =>
        `  ${name.padEnd(10)} ${p.sec_per_arch.toFixed(3).padStart(8)} s/arch${p.failures ? `  (${p.failures} failed)` : ''}`,
    ),
  ];
  if (r.together)
    lines.push(`  together   ${r.together.sec_per_arch.toFixed(3).padStart(8)} s/arch (shared runs)`);
  return lines;
}
