/** Test support for the spaces: read the shared gzip CSV tables. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

/** All rows of a gzip-compressed CSV with a header row, as column → string records. */
export function readGzCsv(dataDir: string, relative: string): Record<string, string>[] {
  const text = gunzipSync(readFileSync(join(dataDir, relative))).toString('utf8');
  return parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}
