/**
 * `naskit proxies score|eval --redis`: architectures scored as `proxy-chunk` jobs on naskit workers. The
 * coordinator keeps the score cache: it sends only the (architecture, proxy) pairs the cache lacks, each
 * distinct architecture once, and writes each new score to the cache once, when its job's result comes
 * back. Chunks are cut only where the compiled-program group changes, as the in-process worker threads
 * cut them, so a cell shares programs with the same cells as in process and gets the same score.
 * `naskit run --redis` scores its sample this way too, on its own training images (named in each job).
 */
import type { RunDataRef } from '../experiments/run/data.js';
import { programGroup } from '../proxies/net/network.js';
import { requireSpace, type ProxyValue } from '../proxies/proxy.js';
import type { ArchScorer, ScoreRunOptions } from '../proxies/run.js';
import { chunkByGroup } from '../proxies/workers.js';
import { NaskitError } from '../util/errors.js';
import { failedJobsError, runJobs, targetOptions, type QueueTarget } from './coordinator.js';
import { JOB_HEADER, MAX_CHUNK_ARCHS, type ProxyChunkJob, type ProxyChunkResult } from './jobs.js';

/** Architectures per job unless told otherwise: many jobs per worker, each long enough to dwarf the queue. */
export const DEFAULT_CHUNK = 64;

export interface QueueScoreOptions extends QueueTarget {
  /** Architectures per job (a group of cells sharing a program is never split, so some jobs are larger). */
  chunk?: number;
  /** The run whose training images the context holds (`naskit run`): workers rebuild them from this. */
  images?: RunDataRef;
}

/** The jobs for what `options.cache` lacks, and for each job the indices (into archs) of its architectures. */
export function proxyChunkJobs(
  options: Pick<ScoreRunOptions, 'context' | 'proxies' | 'archs' | 'cache'>,
  chunk = DEFAULT_CHUNK,
  /** What the context's in-memory images are: a run's training images, named so a worker can load them. */
  images?: RunDataRef,
): { jobs: ProxyChunkJob[]; members: number[][] } {
  const { context, proxies, archs, cache } = options;
  const space = context.space;
  if (!Number.isInteger(chunk) || chunk < 1) {
    throw new NaskitError('invalid_argument', `the chunk size must be a positive integer, got ${chunk}`);
  }
  if (context.spawn === undefined || (context.spawn.images !== undefined) !== (images !== undefined)) {
    throw new NaskitError(
      'invalid_argument',
      `workers rebuild the proxy context by name: space '${space.name}' must be a registered space and the images a named dataset`,
    );
  }
  for (const proxy of proxies) requireSpace(proxy, space);
  // Per distinct architecture (its first index), the proxies it still lacks.
  const missing = new Map<string, { index: number; names: string[] }>();
  archs.forEach((arch, index) => {
    const key = space.key(arch);
    if (missing.has(key)) return;
    const names = proxies.filter((p) => !cache?.get(p.name, key)).map((p) => p.name);
    if (names.length > 0) missing.set(key, { index, names });
  });
  // One set of jobs per combination of lacking proxies (usually one: all of them).
  const byNames = new Map<string, number[]>();
  for (const { index, names } of missing.values()) {
    const list = byNames.get(names.join(',')) ?? [];
    list.push(index);
    byNames.set(names.join(','), list);
  }
  const groupOf = (i: number) => programGroup(space, context.session.programs, archs[i]);
  const jobs: ProxyChunkJob[] = [];
  const members: number[][] = [];
  for (const [names, indices] of byNames) {
    const group = new Map(indices.map((i) => [i, groupOf(i)]));
    indices.sort((a, b) => (group.get(a)! < group.get(b)! ? -1 : group.get(a)! > group.get(b)! ? 1 : a - b));
    for (const whole of chunkByGroup(indices, (i) => group.get(i)!, chunk)) {
      // A group larger than a job may hold is split after all.
      for (let start = 0; start < whole.length; start += MAX_CHUNK_ARCHS) {
        const part = whole.slice(start, start + MAX_CHUNK_ARCHS);
        members.push(part);
        jobs.push({
          ...JOB_HEADER,
          kind: 'proxy-chunk',
          space: space.name,
          dataset: context.dataset,
          proxies: names.split(','),
          archs: part.map((i) => space.format(archs[i])),
          seed: context.seed,
          ...(images ? { images } : {}),
        });
      }
    }
  }
  return { jobs, members };
}

/** A scorer that sends the architectures to naskit workers through Redis and waits for every score. */
export function queueScorer(queueOptions: QueueScoreOptions): ArchScorer {
  return async (options: ScoreRunOptions) => {
    const { context, proxies, archs, cache } = options;
    const space = context.space;
    const { jobs, members } = proxyChunkJobs(options, queueOptions.chunk, queueOptions.images);
    const keys = archs.map((a) => space.key(a));
    const byKey = new Map<string, number[]>();
    keys.forEach((key, i) => byKey.set(key, [...(byKey.get(key) ?? []), i]));
    const out = new Map(proxies.map((p) => [p.name, new Array<ProxyValue>(archs.length)]));
    const done = new Map(proxies.map((p) => [p.name, 0]));
    keys.forEach((key, i) => {
      for (const proxy of proxies) {
        const hit = cache?.get(proxy.name, key);
        if (hit) {
          out.get(proxy.name)![i] = hit;
          done.set(proxy.name, done.get(proxy.name)! + 1);
        }
      }
    });
    for (const proxy of proxies) {
      options.onProgress?.({ proxy: proxy.name, done: done.get(proxy.name)!, total: archs.length });
    }
    try {
      const { failed } = await runJobs({
        ...targetOptions(queueOptions),
        jobs,
        record({ index, result }) {
          const { scores } = result as ProxyChunkResult;
          members[index]!.forEach((first, j) => {
            const key = keys[first]!;
            for (const [name, values] of Object.entries(scores)) {
              const value = values[j]!;
              // Once per score, however many times the architecture is listed.
              cache?.put(name, key, value);
              for (const i of byKey.get(key)!) out.get(name)![i] = value;
              done.set(name, done.get(name)! + byKey.get(key)!.length);
              options.onProgress?.({ proxy: name, done: done.get(name)!, total: archs.length });
            }
          });
        },
      });
      if (failed.length > 0) {
        throw failedJobsError(failed, jobs.length, (f) => {
          const first = jobs[f.index]!.archs[0]!;
          return `chunk of ${members[f.index]!.length} from ${first}`;
        });
      }
    } finally {
      cache?.flush();
    }
    return out;
  };
}
