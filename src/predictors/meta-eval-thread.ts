/**
 * Entry of a meta-eval worker thread (see meta-eval-threads.ts): builds the run's plan from the same
 * options as the main thread, then trains start groups and evaluates draws as asked, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NaskitError } from '../util/errors.js';
import type { EncodedSet } from './encoding.js';
import { releasePrograms, setPredictorThreads } from './engine.js';
import { type Starts, evaluateDraw, planMetaEval, trainStarts } from './meta-eval.js';
import {
  fromWire,
  toWire,
  type ThreadReply,
  type ThreadRequest,
  type ThreadSetup,
} from './meta-eval-threads.js';

serve(workerData as ThreadSetup);

function serve(setup: ThreadSetup): void {
  const port = parentPort!;
  const post = (reply: ThreadReply) => port.postMessage(reply);
  const log = (message: string) => post({ log: message });
  setPredictorThreads(setup.ortThreads);
  const plan = planMetaEval(setup.options);
  const encoded = new Map<number, EncodedSet>();
  // The starts of the evaluation, sent with this thread's first draw.
  let starts: Starts | undefined;

  const handle = async (request: Exclude<ThreadRequest, { kind: 'close' }>): Promise<ThreadReply> => {
    if (request.kind === 'starts') {
      return { id: request.id, starts: toWire(await trainStarts(plan, request.group, log)) };
    }
    if (request.starts) starts = fromWire(request.starts);
    if (!starts) throw new Error('a meta-eval thread was asked for a draw before it had the starts');
    const draw = await evaluateDraw(plan, starts, request.setting, request.seed, log, encoded);
    return { id: request.id, draw };
  };

  port.on('message', (request: ThreadRequest) => {
    if (request.kind === 'close') {
      void releasePrograms().finally(() => port.close());
      return;
    }
    void handle(request).then(post, (err: unknown) =>
      post({
        id: request.id,
        error: {
          code: err instanceof NaskitError ? err.code : 'runtime_failure',
          message: (err as Error).message ?? String(err),
        },
      }),
    );
  });
}
