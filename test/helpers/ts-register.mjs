// Run naskit's TypeScript sources directly in a child Node process (tests that need a real process,
// e.g. to SIGKILL it): `node --import ./test/helpers/ts-register.mjs src/cli/main.ts ...`.
// Each .ts file is transpiled on load with the project's own TypeScript (no type check); imports
// written as `./x.js` resolve to `./x.ts` when only the .ts exists.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
