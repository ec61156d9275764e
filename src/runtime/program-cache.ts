/**
 * Compiled programs shared by content: two requests for the same graph part, feeds, outputs and
 * options (same serialized model bytes, same threads) get the same ONNX Runtime session instead of a
 * second one. Entries are reference-counted; idle ones are kept up to `capacity` and released least
 * recently used first, so a loop that rebuilds the same network (an inner loop of meta-learning, a
 * proxy over many cells of one shape) pays for session creation once.
 */
import type { Graph, Tensor } from '../graph/graph.js';
import { serialize } from '../graph/onnx.js';
import { NaskitError } from '../util/errors.js';
import { type CompileOptions, Program, getDefaultThreads, modelHash } from './session.js';

export interface CachedProgram {
  program: Program;
  /** Give the program back to the cache (it stays compiled while the cache has room). */
  release(): void;
}

interface Entry {
  compiled: Promise<Program>;
  users: number;
  lastUse: number;
}

export class ProgramCache {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;
  private closed = false;
  hits = 0;
  misses = 0;

  constructor(readonly capacity = 8) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new NaskitError(
        'invalid_argument',
        `program cache capacity must be an integer >= 0, got ${capacity}`,
      );
    }
  }

  async acquire(
    graph: Graph,
    outputs: readonly Tensor[],
    options: CompileOptions = {},
  ): Promise<CachedProgram> {
    if (this.closed) throw new NaskitError('invalid_argument', 'ProgramCache.acquire after clear()');
    if (options.profile) {
      throw new NaskitError(
        'invalid_argument',
        'profiled programs are not shared; compile them with Program.compile',
      );
    }
    const model = serialize(graph, {
      outputs,
      ...(options.initializers ? { initializers: options.initializers } : {}),
      ...(options.outputNames ? { outputNames: options.outputNames } : {}),
      ...(options.dynamicBatch ? { dynamicBatch: true } : {}),
    });
    const key = `${modelHash(model)}/${options.threads ?? getDefaultThreads()}`;
    let entry = this.entries.get(key);
    if (entry) this.hits++;
    else {
      this.misses++;
      entry = { compiled: Program.compile(graph, outputs, options), users: 0, lastUse: 0 };
      this.entries.set(key, entry);
      entry.compiled.catch(() => this.entries.delete(key));
    }
    entry.users++;
    entry.lastUse = ++this.clock;
    let program: Program;
    try {
      program = await entry.compiled;
    } catch (err) {
      entry.users--;
      throw err;
    }
    let given = false;
    const held = entry;
    return {
      program,
      release: () => {
        if (given) return;
        given = true;
        held.users--;
        held.lastUse = ++this.clock;
        void this.evict();
      },
    };
  }

  /** Programs currently compiled (in use or idle). */
  get size(): number {
    return this.entries.size;
  }

  /** Release every idle program beyond the capacity, least recently used first. */
  private async evict(): Promise<void> {
    const idle = [...this.entries]
      .filter(([, e]) => e.users === 0)
      .sort((a, b) => a[1].lastUse - b[1].lastUse);
    let excess = this.entries.size - this.capacity;
    for (const [key, entry] of idle) {
      if (excess-- <= 0) break;
      this.entries.delete(key);
      await (await entry.compiled).release();
    }
  }

  /** Release every program; programs still in use must not be run afterwards. */
  async clear(): Promise<void> {
    this.closed = true;
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const entry of all) await (await entry.compiled.catch(() => null))?.release();
  }
}
