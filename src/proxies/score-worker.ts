/** Entry of a proxy worker thread (see workers.ts): score a shard, post each score as it is known. */
import { parentPort, workerData } from 'node:worker_threads';
import { NaskitError } from '../util/errors.js';
import { createProxyContext } from './context.js';
import { resolveProxies } from './index.js';
import type { ProxyValue } from './proxy.js';
import { scoreArchitectures } from './run.js';
import type { WorkerMessage, WorkerTask } from './workers.js';

const task = workerData as WorkerTask;
const post = (message: WorkerMessage) => parentPort!.postMessage(message);
try {
  // One architecture at a time: on this thread a second one in flight would only wait its turn.
  const context = createProxyContext({ ...task.spawn, concurrency: 1, workers: 1 });
  const known = new Map(Object.entries(task.known).map(([name, keys]) => [name, new Set(keys)]));
  // Scores the main thread already has (it never reads these placeholders back).
  const placeholder: ProxyValue = { value: null, seconds: 0 };
  await scoreArchitectures({
    context,
    proxies: resolveProxies(task.proxies),
    archs: task.archs.map((text) => context.space.parse(text)),
    cache: {
      get: (proxy, key) => (known.get(proxy)?.has(key) ? placeholder : undefined),
      put: (proxy, key, value) => post({ proxy, key, value }),
      flush: () => undefined,
    },
  });
} catch (err) {
  const code = err instanceof NaskitError ? err.code : 'runtime_failure';
  post({ error: { code, message: (err as Error).message } });
}
