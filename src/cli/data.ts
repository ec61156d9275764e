/**
 * `naskit data`: image sets in a data directory.
 *   data import cifar10 <archive> [--data-dir DIR] [--force] [--json]
 *       writes DIR/images/ from the official CIFAR-10 binary archive (downloaded by the user)
 */
import { Argument, type Command } from 'commander';
import { CIFAR10_ARCHIVE, importCifar10, type ImportResult } from '../data/cifar-import.js';

export function register(program: Command): void {
  const data = program
    .command('data')
    .description('image sets in a data directory: import CIFAR-10 from its official archive');

  data
    .command('import')
    .description(
      `write the files naskit reads (DIR/images/) from a dataset's official archive: cifar10 from ${CIFAR10_ARCHIVE}, ` +
        'downloaded from https://www.cs.toronto.edu/~kriz/cifar.html (naskit downloads nothing)',
    )
    .addArgument(new Argument('<set>', 'the image set').choices(['cifar10']))
    .argument('<archive>', `the official binary archive, ${CIFAR10_ARCHIVE}`)
    .option('--data-dir <dir>', 'data directory to write into (default: $NASKIT_DATA); creates DIR/images/')
    .option('--force', 'replace existing files that hold different images')
    .option('--json', 'print the files written, their image counts and sizes as JSON')
    .action((_set: string, archive: string, opts: { dataDir?: string; force?: boolean; json?: boolean }) => {
      const result = importCifar10(archive, opts);
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : describeImport(result));
    });
}

export function describeImport(result: ImportResult): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const unchanged = result.files.every((f) => f.status === 'unchanged');
  const lines = unchanged
    ? [`${result.dataDir}/images already holds these CIFAR-10 files, identical; nothing written`]
    : [];
  for (const f of result.files) {
    lines.push(`${f.status} ${f.path} (${n(f.images)} images, ${n(f.bytes)} bytes)`);
  }
  lines.push(
    `the archive holds ${n(result.archiveImages.train)} training and ${n(result.archiveImages.test)} test images; ` +
      'naskit reads data_batch_1 and the first 1,000 test images',
    `use it with: --dataset cifar10 --data-dir ${result.dataDir}`,
  );
  return `${lines.join('\n')}\n`;
}
