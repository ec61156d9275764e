/**
 * Where a worker-thread module is: the compiled `.js` beside the caller (dist/), or, when running from
 * the sources (tests), the `.ts` file loaded through the test transpile hooks.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `name` is the module's file name without extension, beside the module whose URL is `base`. */
export function threadModule(base: string, name: string): { url: URL; execArgv: string[] } {
  const compiled = new URL(`./${name}.js`, base);
  if (existsSync(fileURLToPath(compiled))) return { url: compiled, execArgv: [] };
  // src/util is two levels below the repository root, as is every caller's folder.
  const hooks = fileURLToPath(new URL('../../test/helpers/ts-register.mjs', import.meta.url));
  return { url: new URL(`./${name}.ts`, base), execArgv: ['--import', hooks] };
}
