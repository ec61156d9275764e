// A minimal `naskit supernet` entry for child processes in tests (loads only that verb):
// node --import ./test/helpers/ts-register.mjs test/helpers/supernet-cli.ts supernet train ...
import { Command } from 'commander';
import { register } from '../../src/cli/supernet.js';

const program = new Command('naskit');
register(program);
await program.parseAsync(process.argv);
