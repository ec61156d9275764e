/**
 * Entry of a meta-eval worker thread (see meta-eval-threads.ts): builds the run's plan from the same
 * options as the main thread, then trains start groups and evaluates draws as asked, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NaskitError } from '../util/errors.js';
import type { EncodedSet } from './encoding.js';
import { releasePrograms, setPredictorThreads } from './engine.js';
import { evaluateDraw, planMetaEval, trainStarts } from './meta-eval.js';
import {
  fromWire,
  toWire,
  type ThreadReply,
  type ThreadRequest,
  type ThreadSetup,
} from './meta-eval-threads.js';

const setup = workerData as ThreadSetup;
const port = parentPort!;
const post = (reply: ThreadReply) => port.postMessage(reply);
const log = (message: string) => post({ log: message });

setPredictorThreads(setup.ortThreads);
const plan = planMetaEval(setup.options);
// The setting encoded last: consecutive draws of one setting reuse it.
const encoded = new Map<number, EncodedSet>();

port.on('message', (request: ThreadRequest) => {
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

async function handle(request: ThreadRequest): Promise<ThreadReply> {
  switch (request.kind) {
    case 'starts':
      return { id: request.id, starts: toWire(await trainStarts(plan, request.group, log)) };
    case 'evaluate': {
      if (!encoded.has(request.setting)) encoded.clear();
      const draw = await evaluateDraw(
        plan,
        fromWire(request.starts),
        request.setting,
        request.seed,
        log,
        encoded,
      );
      return { id: request.id, draw };
    }
    case 'close':
      await releasePrograms();
      port.close();
      return { id: request.id, closed: true };
  }
}
