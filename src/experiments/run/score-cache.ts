/**
 * The run's results store as the score cache of `scoreArchitectures`: a score is known when the store
 * holds its architecture's 'scored' record. New scores are gathered per architecture and its record is
 * appended (durably, one line) once every proxy of the run has scored it. The store keeps whole
 * records only, so a resumed run scores again an architecture it had only partly scored.
 */
import type { ScoreCache } from '../../proxies/cache.js';
import type { ProxyValue } from '../../proxies/proxy.js';
import type { AnySpace } from '../../spaces/space.js';
import type { ScoredRecord } from './search-phase.js';
import type { ResultsStore } from './store.js';

export class StoreScoreCache implements Pick<ScoreCache, 'get' | 'put' | 'flush'> {
  /** Finished records by architecture key. */
  private readonly records = new Map<string, ScoredRecord>();
  /** Sample position and text of every architecture of the run, by key. */
  private readonly sample = new Map<string, { arch: string; index: number }>();
  /** Scores of architectures not every proxy has scored yet. */
  private readonly partial = new Map<string, Map<string, number | null>>();
  private last = performance.now();

  /**
   * `archs`: the run's sample (canonical texts, in draw order); `proxies`: the names every record holds,
   * in the order its `scores` lists them.
   */
  constructor(
    private readonly store: ResultsStore,
    private readonly space: AnySpace,
    archs: readonly string[],
    private readonly proxies: readonly string[],
  ) {
    archs.forEach((arch, index) => this.sample.set(this.keyOf(arch), { arch, index }));
    for (const record of store.of<ScoredRecord>('scored')) this.records.set(this.keyOf(record.arch), record);
  }

  /** The record of an architecture of the sample, once it has one. */
  record(arch: string): ScoredRecord | undefined {
    return this.records.get(this.keyOf(arch));
  }

  get(proxy: string, key: string): ProxyValue | undefined {
    const record = this.records.get(key);
    if (!record || !(proxy in record.scores)) return undefined;
    const value = record.scores[proxy]!;
    const seconds = record.ms / 1000 / this.proxies.length;
    return value === null ? { value, failure: `${proxy}: no finite score`, seconds } : { value, seconds };
  }

  put(proxy: string, key: string, value: ProxyValue): void {
    const scores = this.partial.get(key) ?? new Map<string, number | null>();
    scores.set(proxy, value.value);
    if (this.proxies.some((name) => !scores.has(name))) {
      this.partial.set(key, scores);
      return;
    }
    this.partial.delete(key);
    const { arch, index } = this.sample.get(key)!;
    const now = performance.now();
    const record: ScoredRecord = {
      type: 'scored',
      arch,
      index,
      scores: Object.fromEntries(this.proxies.map((name) => [name, scores.get(name)!])),
      // Records finish one at a time, so the time since the previous one sums to the phase's wall time.
      ms: now - this.last,
      at: Date.now(),
    };
    this.last = now;
    this.store.append(record);
    this.records.set(key, record);
  }

  /** Nothing to do: every record is durable when `put` returns. */
  flush(): void {}

  private keyOf(arch: string): string {
    return this.space.key(this.space.parse(arch));
  }
}
