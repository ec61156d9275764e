/**
 * Entry of a proxy worker thread (see workers.ts): build the context once, then score the chunks the
 * main thread sends, posting each score as it is known and asking for more when a chunk is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NaskitError } from '../util/errors.js';
import { createProxyContext } from './context.js';
import { resolveProxies } from './index.js';
import type { ProxyScorer, ProxyValue } from './proxy.js';
import { scoreArchitectures } from './run.js';
import type { WorkerChunk, WorkerMessage, WorkerSetup } from './workers.js';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const post = (message: WorkerMessage) => port.postMessage(message);
// Scores the main thread already has (it never reads these placeholders back).
const placeholder: ProxyValue = { value: null, seconds: 0 };

try {
  // One architecture at a time: on this thread a second one in flight would only wait its turn.
  // Built once, so per-context work (epsilon-robust's calibration, images) is not repeated per chunk.
  const context = createProxyContext({
    ...setup.spawn,
    concurrency: 1,
    workers: 1,
    session: { programs: setup.programs },
  });
  const proxies = resolveProxies(setup.proxies);
  const scorers = new Map<string, ProxyScorer>();
  port.on('message', (chunk: WorkerChunk | null) => {
    if (chunk === null) {
      void Promise.all([...scorers.values()].map((s) => s.release())).finally(() => port.close());
      return;
    }
    const known = new Map(Object.entries(chunk.known).map(([name, keys]) => [name, new Set(keys)]));
    scoreArchitectures({
      context,
      proxies,
      scorers,
      archs: chunk.archs.map((text) => context.space.parse(text)),
      cache: {
        get: (proxy, key) => (known.get(proxy)?.has(key) ? placeholder : undefined),
        put: (proxy, key, value) => post({ proxy, key, value }),
        flush: () => undefined,
      },
    }).then(
      () => post({ ready: true }),
      (err: unknown) => fail(err),
    );
  });
  post({ ready: true });
} catch (err) {
  fail(err);
}

function fail(err: unknown): void {
  const code = err instanceof NaskitError ? err.code : 'runtime_failure';
  post({ error: { code, message: (err as Error).message } });
}
