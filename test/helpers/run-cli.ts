// A minimal `naskit run` entry for child processes in tests (loads only the run verb, so it starts
// faster than the whole CLI): node --import ./test/helpers/ts-register.mjs test/helpers/run-cli.ts ...
import { Command } from 'commander';
import { register } from '../../src/cli/run.js';

const program = new Command('naskit');
register(program);
await program.parseAsync(process.argv);
