/**
 * The `naskit` command. Each verb lives in its own module and registers itself on the program; this
 * file only wires them together and turns errors into clear messages and exit codes. A verb's module
 * is imported only when that verb is invoked; the others appear in the help listing as stubs.
 */
import { Command, CommanderError, Help } from 'commander';
import { NaskitError, type ErrorCode } from '../util/errors.js';
import { NASKIT_VERSION } from '../util/version.js';
import { invokedVerb, verbs } from './commands.js';

/**
 * Exit status by error kind (README, "Exit codes"): 0 success (also --help and bare `naskit`), 1 any
 * other failure (a bug or a runtime error), 2 bad usage, 3 a missing input (file, folder, data,
 * benchmark), 4 damaged data, 5 a run directory in use or already holding a run; `naskit run` stopped
 * by SIGINT/SIGTERM exits 130.
 */
export const EXIT_CODES: Partial<Record<ErrorCode, number>> = {
  invalid_argument: 2,
  invalid_config: 2,
  invalid_arch: 2,
  data_missing: 3,
  benchmark_missing: 3,
  not_found: 3,
  data_corrupt: 4,
  store_conflict: 5,
};

/**
 * The program with every verb. The verbs named in `load` (all by default) are imported and registered
 * in full; the others are stubs carrying only the name, argument summary and description for the
 * help listing.
 */
export async function buildProgram(load: readonly string[] | 'all' = 'all'): Promise<Command> {
  const stubTerms = new Map<Command, string>();
  const program = new Command('naskit')
    .description('Neural architecture search: spaces, benchmarks, proxies, search, training and ONNX export')
    .version(NASKIT_VERSION)
    .option('--verbose', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    // Set before the verbs are added so every subcommand inherits it: errors come back to main().
    .exitOverride()
    .configureHelp({
      subcommandTerm(cmd: Command): string {
        return stubTerms.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
      },
    });
  for (const verb of verbs) {
    if (load === 'all' || load.includes(verb.name)) {
      (await verb.load()).register(program);
    } else {
      const stub = program.command(verb.name).description(verb.description);
      stubTerms.set(stub, verb.args ? `${verb.name} ${verb.args}` : verb.name);
    }
  }
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const verb = invokedVerb(argv.slice(2));
  try {
    const program = await buildProgram(verb === undefined ? [] : [verb]);
    if (argv.length <= 2) {
      // Bare `naskit`: the overview of the verbs is the answer, not an error.
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    const verbose = argv.includes('--verbose');
    if (err instanceof NaskitError) {
      process.stderr.write(`naskit: ${err.message}\n`);
      if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
      return EXIT_CODES[err.code] ?? 1;
    }
    process.stderr.write(`naskit: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
    if (verbose && (err as Error)?.stack) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith('/dist/cli/main.js');
if (invokedDirectly || process.env.NASKIT_CLI === '1') {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
