/** `naskit report DIR`: rebuild report.html and report.md of a finished run from its summary and store. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { RUN_FILES, readResolved, configHash } from '../experiments/run/layout.js';
import { writeReports } from '../experiments/run/report/index.js';
import { parseLog } from '../experiments/run/store.js';
import type { RunSummary } from '../experiments/run/summary.js';
import { NaskitError } from '../util/errors.js';

export async function regenerateReport(dirArg: string): Promise<string> {
  const dir = resolve(dirArg);
  const resolved = readResolved(dir);
  const summaryPath = join(dir, RUN_FILES.summary);
  if (!existsSync(summaryPath)) {
    throw new NaskitError(
      'not_found',
      `${dir} has no ${RUN_FILES.summary}: the run has not finished; finish it with 'naskit run --resume ${dirArg}'`,
    );
  }
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as RunSummary;
  const storePath = join(dir, RUN_FILES.store);
  // Read-only: a torn last line is skipped here, not cut off (a run may still be writing).
  const log = parseLog(readFileSync(storePath), storePath);
  if (log.header.config_hash !== configHash(resolved)) {
    throw new NaskitError(
      'data_corrupt',
      `${storePath} does not belong to the configuration in ${join(dir, RUN_FILES.config)}; cannot report on it`,
    );
  }
  await writeReports(dir, summary, log.records);
  return join(dir, RUN_FILES.reportHtml);
}

export function register(program: Command): void {
  program
    .command('report')
    .description('Regenerate report.html and report.md of a finished run directory')
    .argument('<dir>', 'run directory (as printed by naskit run)')
    .action(async (dir: string) => {
      process.stdout.write(`${await regenerateReport(dir)}\n`);
    });
}
