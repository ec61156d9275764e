/**
 * `naskit export <run-dir|checkpoint>`: turn a trained model into a self-contained ONNX file, checked
 * in ONNX Runtime against naskit's own forward (the same code path `naskit train` and `naskit run` use).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { RUN_FILES } from '../experiments/run/layout.js';
import { readModel, writeOnnxModel } from '../experiments/run/model-file.js';
import { NaskitError } from '../util/errors.js';
import { InvalidArgumentError } from 'commander';

function parseShape(value: string): [number, number, number] {
  const dims = value.split(/[,x×]/).map(Number);
  if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new InvalidArgumentError(`expected C,H,W (three positive integers), got '${value}'`);
  }
  return dims as [number, number, number];
}

export async function exportCheckpoint(
  target: string,
  options: { out?: string | undefined; inputShape?: [number, number, number] | undefined },
): Promise<{ checkpoint: string; onnx: string; maxAbsDiff: number; bytes: number }> {
  const path = resolve(target);
  if (!existsSync(path))
    throw new NaskitError(
      'not_found',
      `${target} does not exist; pass a run directory or a .safetensors checkpoint`,
    );
  let checkpoint = path;
  if (statSync(path).isDirectory()) {
    const candidates = [RUN_FILES.model, 'checkpoint.safetensors'].map((f) => join(path, f));
    const found = candidates.find((c) => existsSync(c));
    if (!found) {
      throw new NaskitError(
        'not_found',
        `${target} holds no ${RUN_FILES.model} (naskit run) or checkpoint.safetensors (naskit train); has the run finished?`,
      );
    }
    checkpoint = found;
  }
  const { params, description } = readModel(checkpoint, options.inputShape);
  const onnx = resolve(options.out ?? checkpoint.replace(/\.safetensors$/, '') + '.onnx');
  const report = await writeOnnxModel(onnx, description, params);
  return { checkpoint, onnx, maxAbsDiff: report.maxAbsDiff, bytes: report.bytes };
}

export function register(program: Command): void {
  program
    .command('export')
    .description(
      'Export a trained model (run directory or .safetensors checkpoint) to ONNX, checked against naskit in ONNX Runtime',
    )
    .argument('<source>', 'a run directory of naskit run / naskit train, or a checkpoint file')
    .option('--out <file>', 'ONNX file to write (default: the checkpoint name with .onnx)')
    .option(
      '--input-shape <C,H,W>',
      'input shape, for checkpoints whose dataset naskit does not know',
      parseShape,
    )
    .option('--json', 'print the result as JSON')
    .action(
      async (
        source: string,
        opts: { out?: string; inputShape?: [number, number, number]; json?: boolean },
      ) => {
        const result = await exportCheckpoint(source, opts);
        if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else
          process.stdout.write(
            `${result.onnx} (${result.bytes} bytes; max |diff| vs naskit ${result.maxAbsDiff.toExponential(1)})\n`,
          );
      },
    );
}
