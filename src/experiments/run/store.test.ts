import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeLine, ResultsStore, STORE_MAGIC } from './store.js';
import { tempDirs } from '../../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

function freshPath(): string {
  return join(tempDir('naskit-store-'), 'results.jsonl');
}

const HEADER = { run_id: 'r1', config_hash: 'abc123', created: '2025-01-01T00:00:00.000Z' };

describe('ResultsStore', () => {
  it('appends records durably and reads them back in order', () => {
    const path = freshPath();
    const store = ResultsStore.create(path, HEADER);
    store.append({ type: 'scored', arch: 'a', score: 1.5 });
    store.append({ type: 'scored', arch: 'b', score: Number.NaN });
    store.append({ type: 'candidate', arch: 'a', val_accuracy: 80 });
    store.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0]!).rec).toMatchObject({
      type: 'header',
      magic: STORE_MAGIC,
      version: 1,
      run_id: 'r1',
      config_hash: 'abc123',
    });
    const reopened = ResultsStore.open(path, 'abc123');
    expect(reopened.droppedBytes).toBe(0);
    expect(
      reopened
        .of<{ type: 'scored'; arch: string; score: number | null }>('scored')
        .map((r) => [r.arch, r.score]),
    ).toEqual([
      ['a', 1.5],
      ['b', null],
    ]);
    expect(reopened.records.map((r) => r.type)).toEqual(['scored', 'scored', 'candidate']);
    reopened.close();
  });

  it('refuses to create over an existing store', () => {
    const path = freshPath();
    ResultsStore.create(path, HEADER).close();
    expect(() => ResultsStore.create(path, HEADER)).toThrow(/cannot create results store/);
  });

  it('drops a torn last line (no newline, or a cut record) and appends cleanly after it', () => {
    for (const torn of [
      '{"sum":"00',
      encodeLine({ type: 'scored', arch: 'c' }).slice(0, -1),
      encodeLine({ type: 'x' }).slice(0, 20),
    ]) {
      const path = freshPath();
      const store = ResultsStore.create(path, HEADER);
      store.append({ type: 'scored', arch: 'a' });
      store.close();
      appendFileSync(path, torn);
      const reopened = ResultsStore.open(path, 'abc123');
      expect(reopened.droppedBytes).toBe(Buffer.byteLength(torn));
      expect(reopened.records).toHaveLength(1);
      reopened.append({ type: 'scored', arch: 'b' });
      reopened.close();
      const again = ResultsStore.open(path, 'abc123');
      expect(again.droppedBytes).toBe(0);
      expect(again.of<{ type: 'scored'; arch: string }>('scored').map((r) => r.arch)).toEqual(['a', 'b']);
      again.close();
    }
  });

  it('drops a complete last line whose checksum does not match (torn inside the record)', () => {
    const path = freshPath();
    ResultsStore.create(path, HEADER).close();
    appendFileSync(path, encodeLine({ type: 'scored', arch: 'a' }).replace('"a"', '"b"'));
    const store = ResultsStore.open(path, 'abc123');
    expect(store.records).toHaveLength(0);
    expect(store.droppedBytes).toBeGreaterThan(0);
    store.close();
  });

  it('refuses a store with a damaged line before the last one, naming the line', () => {
    const path = freshPath();
    const store = ResultsStore.create(path, HEADER);
    store.append({ type: 'scored', arch: 'a', score: 1 });
    store.append({ type: 'scored', arch: 'b', score: 2 });
    store.close();
    writeFileSync(path, readFileSync(path, 'utf8').replace('"score":1', '"score":7'));
    expect(() => ResultsStore.open(path, 'abc123')).toThrow(/line 2 is damaged .* not the last line/);
  });

  it('refuses a foreign file, another format version, and another config', () => {
    const path = freshPath();
    writeFileSync(path, `${JSON.stringify({ hello: 'world' })}\n`);
    expect(() => ResultsStore.open(path, 'abc123')).toThrow(/is not a naskit results store/);

    const foreign = freshPath();
    writeFileSync(foreign, encodeLine({ type: 'header', magic: 'other-tool', version: 1 }));
    expect(() => ResultsStore.open(foreign, 'abc123')).toThrow(
      /magic "other-tool".*expected 'naskit-results'/,
    );

    const future = freshPath();
    writeFileSync(
      future,
      encodeLine({ type: 'header', magic: STORE_MAGIC, version: 99, run_id: 'r', config_hash: 'abc123' }),
    );
    expect(() => ResultsStore.open(future, 'abc123')).toThrow(
      /format version 99; this naskit reads version 1/,
    );

    const other = freshPath();
    ResultsStore.create(other, HEADER).close();
    expect(() => ResultsStore.open(other, 'def456')).toThrow(
      /written for config abc123.*belongs to another run/,
    );

    const empty = freshPath();
    writeFileSync(empty, '');
    expect(() => ResultsStore.open(empty, 'abc123')).toThrow(/no complete header record/);
  });

  it('only the first record may be a header', () => {
    const store = ResultsStore.create(freshPath(), HEADER);
    expect(() => store.append({ type: 'header' })).toThrow(/only the first record/);
    store.close();
  });
});
