// A minimal `naskit worker` entry for child processes in tests (loads only that verb):
// node --import ./test/helpers/ts-register.mjs test/helpers/worker-cli.ts worker --redis URL ...
// Errors go through the CLI's own handling, so messages and exit codes are those of `naskit worker`.
import { main } from '../../src/cli/main.js';

process.exitCode = await main([process.argv[0]!, process.argv[1]!, ...process.argv.slice(2)]);
