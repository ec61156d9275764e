/**
 * The list of CLI verbs. Each entry registers one command (with its subcommands) on the program.
 * Add a verb by writing `src/cli/<verb>.ts` exporting `register(program)` and listing it here.
 */
import type { Command } from 'commander';
import { register as registerBench } from './bench.js';
import { register as registerTrain } from './train.js';
import { register as registerSearch } from './search.js';
import { register as registerSpace } from './space.js';
import { register as registerPredict } from './predict.js';
import { register as registerRun } from './run.js';
import { register as registerReport } from './report.js';
import { register as registerExport } from './export.js';
import { register as registerProxies } from './proxies.js';
import { register as registerSupernet } from './supernet.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerSearch,
  registerSpace,
  registerBench,
  registerTrain,
  registerRun,
  registerReport,
  registerExport,
  registerPredict,
  registerProxies,
  registerSupernet,
];
