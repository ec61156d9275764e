// Module hooks for ts-register.mjs: map .js specifiers to .ts sources and transpile them. Transpiled
// output is cached by content hash in node_modules/.cache/naskit-ts (not the temp folder, which the
// test suite keeps clean), so only the first child process pays for it.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/naskit-ts/', import.meta.url));
let typescript = null;

export async function resolve(specifier, context, nextResolve) {
  const relative = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
  if (relative && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
    const url = new URL(specifier, context.parentURL);
    const tsUrl = new URL(url.href.replace(/\.js$/, '.ts'));
    if (!existsSync(fileURLToPath(url)) && existsSync(fileURLToPath(tsUrl))) {
      return { url: tsUrl.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  const cached = join(
    CACHE,
    `${createHash('sha256').update(path).update('\0').update(source).digest('hex')}.js`,
  );
  if (existsSync(cached))
    return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  typescript ??= (await import('typescript')).default;
  const { outputText } = typescript.transpileModule(source, {
    fileName: path,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  mkdirSync(CACHE, { recursive: true });
  // Worker threads share the pid and may transpile the same file at once: the name must be theirs alone.
  const tmp = `${cached}.${process.pid}.${threadId}.${randomUUID()}.tmp`;
  writeFileSync(tmp, outputText);
  renameSync(tmp, cached);
  return { format: 'module', source: outputText, shortCircuit: true };
}
