/**
 * A small tar writer for tests (the reader under test is src/data/tar.ts), and archives shaped like the
 * official CIFAR-10 binary one built from seeded synthetic images.
 */
import { gzipSync } from 'node:zlib';
import { encodeCifar } from '../../src/data/cifar.js';
import type { ImageDataset } from '../../src/data/dataset.js';
import { syntheticDataset } from '../../src/data/synthetic.js';
import { Rng } from '../../src/util/rng.js';

export interface TarInput {
  name: string;
  data?: Uint8Array | string;
  /** '0' file (default), '5' folder, '2' symlink. */
  type?: '0' | '5' | '2';
}

export interface TarOptions {
  /** How names longer than 100 bytes are stored: a GNU 'L' entry, a pax 'x' header, or the ustar prefix. */
  longNames?: 'gnu' | 'pax' | 'prefix';
  /** Write sizes in GNU's base-256 form instead of octal. */
  base256Sizes?: boolean;
}

const encoder = new TextEncoder();
const bytesOf = (d: Uint8Array | string | undefined): Uint8Array =>
  typeof d === 'string' ? encoder.encode(d) : (d ?? new Uint8Array(0));

function header(name: string, size: number, type: string, options: TarOptions, prefix = ''): Uint8Array {
  const h = new Uint8Array(512);
  const put = (at: number, s: string): void => h.set(encoder.encode(s), at);
  put(0, name.slice(0, 100));
  put(100, '0000644\0');
  put(108, '0001750\0');
  put(116, '0001750\0');
  if (options.base256Sizes) {
    h[124] = 0x80;
    for (let i = 135, v = size; i > 124; i--, v = Math.floor(v / 256)) h[i] = v % 256;
  } else {
    put(124, `${size.toString(8).padStart(11, '0')}\0`);
  }
  put(136, '14712345670\0');
  put(156, type);
  put(257, 'ustar\0');
  put(263, '00');
  put(345, prefix);
  h.fill(0x20, 148, 156);
  put(
    148,
    `${h
      .reduce((a, b) => a + b, 0)
      .toString(8)
      .padStart(6, '0')}\0 `,
  );
  return h;
}

function paxData(path: string): string {
  const body = ` path=${path}\n`;
  let length = body.length;
  while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
  return `${length}${body}`;
}

/** Uncompressed tar bytes of the entries, ended by two zero blocks. */
export function tarBytes(entries: readonly TarInput[], options: TarOptions = {}): Uint8Array {
  const blocks: Uint8Array[] = [];
  const add = (name: string, data: Uint8Array, type: string, prefix = ''): void => {
    blocks.push(header(name, data.length, type, options, prefix), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad > 0) blocks.push(new Uint8Array(pad));
  };
  for (const e of entries) {
    const data = bytesOf(e.data);
    let name = e.type === '5' ? `${e.name}/` : e.name;
    let prefix = '';
    if (encoder.encode(name).length > 100) {
      const mode = options.longNames ?? 'gnu';
      if (mode === 'gnu') add('././@LongLink', encoder.encode(`${name}\0`), 'L');
      else if (mode === 'pax') add(`PaxHeaders/${name.slice(-80)}`, encoder.encode(paxData(name)), 'x');
      else {
        const cut = name.lastIndexOf('/', 155);
        [prefix, name] = [name.slice(0, cut), name.slice(cut + 1)];
      }
    }
    add(name, data, e.type ?? '0', prefix);
  }
  blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}

export const CIFAR10_BATCHES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
  'test_batch.bin',
] as const;

export interface Cifar10Archive {
  /** The gzipped tar. */
  bytes: Uint8Array;
  /** The images of each batch file, by file name. */
  batches: Map<string, ImageDataset>;
}

/**
 * A gzipped tar laid out like cifar-10-binary.tar.gz (folder cifar-10-batches-bin/, six batch files,
 * batches.meta.txt, readme.html) with `records[i]` synthetic images in CIFAR10_BATCHES[i]. `edit` may
 * change the entries before they are packed (drop a batch, truncate one, rename the folder…).
 */
export function cifar10Archive(
  records: readonly number[] = [7, 3, 2, 2, 3, 5],
  seed = 1,
  edit: (entries: TarInput[]) => TarInput[] = (e) => e,
): Cifar10Archive {
  const batches = new Map<string, ImageDataset>();
  const entries: TarInput[] = [{ name: 'cifar-10-batches-bin', type: '5' }];
  CIFAR10_BATCHES.forEach((file, i) => {
    const images = syntheticDataset({ n: records[i]!, classes: 10 }, new Rng(seed * 100 + i));
    batches.set(file, images);
    entries.push({ name: `cifar-10-batches-bin/${file}`, data: encodeCifar(images, 'cifar10') });
  });
  entries.push(
    { name: 'cifar-10-batches-bin/batches.meta.txt', data: 'airplane\nautomobile\nbird\n' },
    { name: 'cifar-10-batches-bin/readme.html', data: '<meta HTTP-EQUIV="REFRESH" content="0">' },
  );
  return { bytes: gzipSync(tarBytes(edit(entries))), batches };
}
