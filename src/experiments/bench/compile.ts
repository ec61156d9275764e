/** `naskit bench compile`: node count, build time and session creation of a mixed supernet's training graph. */
import { benchCompile, type CompileBenchOptions, type CompileBenchResult } from '../bench-compile.js';
import { benchOutput } from './output.js';

export type CompileBenchFlags = Omit<CompileBenchOptions, 'compareAllPasses'> & { json?: boolean };

/** Run the bench and return what the command prints. */
export async function runCompileBench(flags: CompileBenchFlags): Promise<string> {
  const { json, ...options } = flags;
  const result = await benchCompile({ ...options, compareOrtCse: Boolean(options.compareOrtCse) });
  return benchOutput(result, json, compileLines);
}

function compileLines(r: CompileBenchResult): string[] {
  const lines = [
    `supernet      ${r.space} mixed, ${r.cells} cells, C=${r.channels}, batch ${r.batch}: ${r.nodes} nodes`,
    `build         ${r.build_ms} ms (network, loss and autodiff in TypeScript)`,
    `session       ${r.create_ms} ms (serialize + ONNX Runtime session creation)`,
  ];
  if (r.create_with_ort_cse_ms !== undefined) {
    lines.push(`with ORT CSE  ${r.create_with_ort_cse_ms} ms (ORT's common-subexpression pass on)`);
  }
  return lines;
}
