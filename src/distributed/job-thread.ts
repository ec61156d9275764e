/**
 * A worker thread that runs jobs for `naskit worker` (worker.ts). Jobs run here, not on the main
 * thread, because building and running networks blocks the thread for seconds at a time; the main
 * thread must stay free to renew the jobs' locks in Redis, or BullMQ would think the worker dead and
 * hand its job to another. The thread keeps one JobExecutor, so its caches serve the following jobs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NaskitError } from '../util/errors.js';
import { JobExecutor, type ExecutorOptions } from './execute.js';

/** What the main thread sends: a job to run, or the request to release everything and exit. */
export type ThreadRequest = { id: number; data: unknown } | { close: true };

/** What the thread answers for a job. */
export type ThreadReply =
  | { id: number; result: unknown }
  | { id: number; error: { message: string; code?: NaskitError['code'] } }
  | { closed: true };

const port = parentPort!;
const executor = new JobExecutor(workerData as ExecutorOptions);

port.on('message', (request: ThreadRequest) => {
  if ('close' in request) {
    void executor.close().finally(() => {
      port.postMessage({ closed: true } satisfies ThreadReply);
      port.close();
    });
    return;
  }
  executor.run(request.data).then(
    (result) => port.postMessage({ id: request.id, result } satisfies ThreadReply),
    (err: unknown) =>
      port.postMessage({
        id: request.id,
        error: {
          message: (err as Error)?.message ?? String(err),
          ...(err instanceof NaskitError ? { code: err.code } : {}),
        },
      } satisfies ThreadReply),
  );
});
