/**
 * Meta-eval on worker threads. ONNX Runtime's Node binding runs a program synchronously on the calling
 * JS thread, so one process uses one core however many ORT threads a small GCN program gets. Here each
 * worker thread builds the same plan from the same options; the two start groups (meta-learners,
 * pooled model) train on two threads at once, then the draws (setting, seed) are pulled from one queue.
 * Every draw's randomness is forked from its own labels, so the results equal the in-thread run's.
 */
import { Worker } from 'node:worker_threads';
import { ParamStore, type ParamInfo } from '../runtime/params.js';
import { NaskitError, type ErrorCode } from '../util/errors.js';
import { threadModule } from '../util/thread-module.js';
import type {
  DrawResult,
  MetaEvalExecutor,
  MetaEvalOptions,
  MetaEvalPlan,
  Method,
  StartGroup,
  Starts,
} from './meta-eval.js';

/** What a thread is started with: the run's options (without the log) and its ORT threads per program. */
export interface ThreadSetup {
  options: Omit<MetaEvalOptions, 'log'>;
  ortThreads: number;
}

/** Starts as plain data (a ParamStore does not cross threads). */
export interface WireStarts {
  inits: [Method, WireParams][];
  bank?: Float32Array[];
  budgets: Starts['budgets'];
  seconds: Starts['seconds'];
}
type WireParams = { name: string; value: Float32Array; info: ParamInfo }[];

export type ThreadRequest =
  | { id: number; kind: 'starts'; group: StartGroup }
  /** `starts` comes with a thread's first draw only; the thread keeps them for the rest. */
  | { id: number; kind: 'evaluate'; setting: number; seed: number; starts?: WireStarts }
  | { kind: 'close' };

export type ThreadReply =
  | { id: number; starts: WireStarts }
  | { id: number; draw: DrawResult[] }
  | { id: number; error: { code: ErrorCode; message: string } }
  | { log: string };

export function toWire(starts: Starts): WireStarts {
  const params = (p: ParamStore): WireParams =>
    p.names().map((name) => ({ name, value: p.get(name), info: p.info(name) }));
  return {
    inits: [...starts.inits].map(([m, p]) => [m, params(p)]),
    ...(starts.bank ? { bank: starts.bank } : {}),
    budgets: starts.budgets,
    seconds: starts.seconds,
  };
}

export function fromWire(wire: WireStarts): Starts {
  const stores = new Map<Method, ParamStore>();
  for (const [m, entries] of wire.inits) {
    const store = new ParamStore();
    for (const e of entries) store.add(e.name, e.value, e.info);
    stores.set(m, store);
  }
  return {
    inits: stores,
    ...(wire.bank ? { bank: wire.bank } : {}),
    budgets: wire.budgets,
    seconds: wire.seconds,
  };
}

interface Slot {
  thread: Worker;
  /** The evaluation starts this thread holds. */
  starts?: WireStarts;
  pending?: { resolve: (reply: ThreadReply) => void; reject: (err: Error) => void };
  failed?: Error;
}

/**
 * An executor running the stages on `workers` threads (at least 2; one thread gains nothing over the
 * in-thread executor). Threads start lazily and are ended by close().
 */
export function threadExecutor(
  options: MetaEvalOptions,
  workers: number,
  ortThreads: number,
): (plan: MetaEvalPlan, log: (m: string) => void) => MetaEvalExecutor {
  if (!Number.isInteger(workers) || workers < 2) {
    throw new NaskitError('invalid_argument', `meta-eval threads must be an integer >= 2, got ${workers}`);
  }
  return (_plan, log) => {
    const { log: _unused, ...rest } = options;
    const setup: ThreadSetup = { options: rest, ortThreads };
    const slots: Slot[] = [];
    let next = 0;

    const spawn = (): Slot => {
      const { url, execArgv } = threadModule(import.meta.url, 'meta-eval-thread');
      const slot: Slot = { thread: new Worker(url, { workerData: setup, execArgv }) };
      slot.thread.on('message', (reply: ThreadReply) => {
        if ('log' in reply) return log(reply.log);
        const p = slot.pending;
        slot.pending = undefined;
        p?.resolve(reply);
      });
      const crashed = (err: Error) => {
        slot.failed = err;
        const p = slot.pending;
        slot.pending = undefined;
        p?.reject(err);
      };
      slot.thread.on('error', crashed);
      slot.thread.on('exit', (code) => crashed(new Error(`a meta-eval thread stopped (exit code ${code})`)));
      slots.push(slot);
      return slot;
    };

    const ask = (slot: Slot, request: ThreadRequest): Promise<ThreadReply> =>
      new Promise<ThreadReply>((resolve, reject) => {
        if (slot.failed) return reject(slot.failed);
        slot.pending = {
          resolve: (reply) => {
            if ('error' in reply) reject(new NaskitError(reply.error.code, reply.error.message));
            else resolve(reply);
          },
          reject,
        };
        slot.thread.postMessage(request);
      });

    const pool = (n: number): Slot[] => {
      while (slots.length < Math.min(n, workers)) spawn();
      return slots.slice(0, Math.min(n, workers));
    };

    /** Runs `jobs` on the threads, each thread pulling the next job when it is free; results in job order. */
    async function pull<J, R>(jobs: readonly J[], run: (slot: Slot, job: J) => Promise<R>): Promise<R[]> {
      const out: R[] = new Array<R>(jobs.length);
      let taken = 0;
      await Promise.all(
        pool(jobs.length).map(async (slot) => {
          while (taken < jobs.length) {
            const i = taken++;
            out[i] = await run(slot, jobs[i]!);
          }
        }),
      );
      return out;
    }

    return {
      async starts(groups: readonly StartGroup[]) {
        return pull(groups, async (slot, group) => {
          const reply = await ask(slot, { id: next++, kind: 'starts', group });
          if (!('starts' in reply))
            throw new Error('a meta-eval thread answered a start request with no starts');
          return fromWire(reply.starts);
        });
      },
      async evaluate(draws, starts) {
        const wire = toWire(starts);
        // Draws of one setting stay together on a thread as far as the queue allows (each thread
        // encodes a setting once and keeps the last one).
        return pull(draws, async (slot, d) => {
          const send = slot.starts === wire ? {} : { starts: wire };
          slot.starts = wire;
          const reply = await ask(slot, { id: next++, kind: 'evaluate', ...d, ...send });
          if (!('draw' in reply)) throw new Error('a meta-eval thread answered a draw with no result');
          return reply.draw;
        });
      },
      async close() {
        await Promise.all(
          slots.map(async (slot) => {
            if (slot.failed) return;
            const exited = new Promise<void>((resolve) => slot.thread.once('exit', () => resolve()));
            slot.thread.postMessage({ kind: 'close' } satisfies ThreadRequest);
            const timer = setTimeout(() => void slot.thread.terminate(), 10_000);
            await exited;
            clearTimeout(timer);
          }),
        );
      },
    };
  };
}
