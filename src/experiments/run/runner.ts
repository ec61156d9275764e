/**
 * `naskit run` end to end: sample and score architectures with zero-cost proxies, short-train the top
 * k and rank them on a validation split of the training set, train the winner fully, test it once on
 * the test split, save and export it, and write the summary and reports — in a run directory that
 * can be resumed after an interruption with the same final answer.
 */
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BatchLoader } from '../../data/batches.js';
import { loadDataset, type LoadedDataset } from '../../data/catalog.js';
import { writeFileAtomic } from '../../runtime/checkpoint.js';
import { setDefaultThreads } from '../../runtime/session.js';
import { getSpace } from '../../spaces/index.js';
import type { AnySpace } from '../../spaces/space.js';
import { NaskitError } from '../../util/errors.js';
import { prepareOutDir } from '../../util/out-dir.js';
import { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import type { RunConfig } from './config.js';
import {
  finalTrainingSet,
  remoteDatasetProblem,
  runSets,
  shortTrainingSet,
  type RunDataRef,
} from './data.js';
import {
  finalPhase,
  finalTrainingSpec,
  remoteFinalPhase,
  weightBytes,
  type FinalEpochs,
} from './final-phase.js';
import type { RunRemote } from './jobs.js';
import {
  configHash,
  dataFingerprint,
  makeRunId,
  readResolved,
  RUN_FILES,
  writeResolved,
  RESOLVED_FORMAT,
  type ResolvedRun,
} from './layout.js';
import { acquireLock, type RunLock } from './lock.js';
import { saveModel, writeOnnxModel, type ModelDescription } from './model-file.js';
import { makePlan, relativeNetworkCost } from './plan.js';
import { writeReports } from './report/index.js';
import { checkProxyNames, makeScorers } from './scorers.js';
import { topK } from './ranking.js';
import { sampleDistinct, scorePhase } from './search-phase.js';
import { ResultsStore } from './store.js';
import { baselineArchitectures, BASELINES, type BaselineRecord } from './baselines.js';
import { BEFORE_FINAL, Deadline, runClock, type RunProgress } from './deadline.js';
import {
  buildSummary,
  elapsedSeconds,
  type ExportedRecord,
  type RunSummary,
  type SessionRecord,
} from './summary.js';
import { pickWinner, shortTrainPhase, type CandidateRecord, type TrainContext } from './train-phase.js';

export interface RunIo {
  progress: Progress;
  /** Messages for the user (stderr); silent with --quiet. */
  log: (message: string) => void;
  /**
   * Told when the run holds the lock of its directory, with how to free it; returns the function that
   * withdraws this. The CLI stops on SIGINT/SIGTERM through it (free the lock, say how to continue, exit
   * 130): every finished piece of work is already durable in the store. The run never ends the process.
   */
  interruptible?: (dir: string, release: () => void) => () => void;
  /**
   * Tests only: the run reads its time as this many times what passed (3 = a machine 3× slower than
   * measured), so the deadline checks can be tested without being slow. Default 1.
   */
  timeScale?: number;
  /**
   * Where the proxy scoring, the short trainings and (optionally) the final trainings run instead of
   * this process: naskit workers behind a Redis queue (the CLI's --redis). Same specs, same functions,
   * same answer; the store and the run directory stay here.
   */
  remote?: RunRemote;
}

/** Start a new run in `out` (else the config's `out`, else runs/<run-id> under the current directory). */
export async function startRun(config: RunConfig, out: string | undefined, io: RunIo): Promise<RunSummary> {
  const created = new Date();
  const startedAt = created.getTime();
  const runId = makeRunId(created, config.seed);
  const dir = resolve(out ?? config.out ?? join('runs', runId));
  if (existsSync(join(dir, RUN_FILES.config)) || existsSync(join(dir, RUN_FILES.store))) {
    throw new NaskitError(
      'store_conflict',
      `${dir} already holds a run; continue it with 'naskit run --resume ${dir}' or choose another --out`,
    );
  }
  // Check everything first: bad input should not leave an empty run directory behind. The output
  // folder is made before the data is loaded (a bad --out fails at once) and taken back if loading fails.
  checkProxyNames(config.search.proxies);
  checkRemote(config, io);
  const outDir = prepareOutDir(
    dir,
    out === undefined && config.out === undefined ? 'run directory' : '--out',
  );
  const space = getSpace(config.space);
  let data: LoadedDataset;
  let networkCost: number;
  try {
    data = loadData(config, io);
    // Builds the space's heaviest network for this input: a width or depth it refuses fails here.
    networkCost = relativeNetworkCost(space, config.network, inputShapeOf(data), data.train.classes);
  } catch (err) {
    outDir.undo();
    throw err;
  }
  const lock = acquireLock(join(dir, RUN_FILES.lock), io.log);
  const stopOnInterrupt = whileLocked(io, dir, lock);
  try {
    io.log(`run directory: ${dir}`);
    const plan = makePlan({
      budgetMinutes: config.budget_minutes,
      trainImages: data.train.n,
      testImages: data.test.n,
      classes: data.train.classes,
      networkCost,
      spaceSize: space.size,
      cost: config.cost,
      overrides: {
        samples: config.search.samples,
        topK: config.search.top_k,
        shortImages: config.short_train.images,
        shortEpochs: config.short_train.epochs,
        shortBatch: config.short_train.batch_size,
        valImages: config.short_train.val_images,
        finalEpochs: config.final.epochs,
        finalImages: config.final.images,
        finalBatch: config.final.batch_size,
        finalOnTrainAndVal: config.final.train_on === 'train+val',
        baselines: config.final.baselines === false ? 0 : BASELINES.length,
      },
    });
    const resolved: ResolvedRun = {
      format: RESOLVED_FORMAT,
      run_id: runId,
      created: created.toISOString(),
      config,
      plan,
      data: {
        name: data.name,
        train_images: data.train.n,
        test_images: data.test.n,
        classes: data.train.classes,
        input_shape: inputShapeOf(data),
        fingerprint: dataFingerprint([data.train, data.test]),
      },
    };
    writeResolved(dir, resolved);
    const store = ResultsStore.create(join(dir, RUN_FILES.store), {
      run_id: runId,
      config_hash: configHash(resolved),
      created: resolved.created,
    });
    try {
      return await execute(dir, resolved, data, store, { resumed: false, startedAt }, config.threads, io);
    } finally {
      store.close();
    }
  } finally {
    stopOnInterrupt();
    lock.release();
  }
}

/** Continue an interrupted run; finished work is read from its store, not redone. */
export async function resumeRun(
  dirArg: string,
  overrides: { threads?: number | undefined; dataDir?: string | undefined },
  io: RunIo,
): Promise<RunSummary> {
  const startedAt = Date.now();
  const dir = resolve(dirArg);
  if (!existsSync(dir)) throw new NaskitError('not_found', `--resume ${dirArg}: ${dir} does not exist`);
  const resolved = readResolved(dir);
  checkRemote(resolved.config, io);
  const lock = acquireLock(join(dir, RUN_FILES.lock), io.log);
  const stopOnInterrupt = whileLocked(io, dir, lock);
  try {
    const store = openOrRebuildStore(dir, resolved, io);
    try {
      if (store.droppedBytes > 0)
        io.log(
          `results store: dropped a torn last record (${store.droppedBytes} bytes) left by the interruption`,
        );
      const finished = finishedSummary(dir, store);
      if (finished) {
        io.log(
          `${dir} is already finished (test accuracy ${finished.test_accuracy.toFixed(2)}%, exported to ${finished.onnx}); ` +
            `nothing to do. 'naskit report ${dir}' rewrites its reports, 'naskit export ${dir}' exports its model again.`,
        );
        return finished;
      }
      io.log(`resuming ${dir} (${store.records.length} records)`);
      const config = { ...resolved.config, ...(overrides.dataDir ? { data_dir: overrides.dataDir } : {}) };
      const data = loadData(config, io);
      const d = resolved.data;
      const fingerprint = dataFingerprint([data.train, data.test]);
      if (fingerprint !== d.fingerprint) {
        throw new NaskitError(
          'data_corrupt',
          `the run was made on ${d.name} with ${d.train_images} train / ${d.test_images} test images and ${d.classes} classes ` +
            `(content hash ${d.fingerprint}), but the data loaded now has ${data.train.n} / ${data.test.n} images and ` +
            `${data.train.classes} classes (hash ${fingerprint}); point --data-dir at the data the run started with`,
        );
      }
      return await execute(
        dir,
        resolved,
        data,
        store,
        { resumed: true, startedAt },
        overrides.threads ?? config.threads,
        io,
      );
    } finally {
      store.close();
    }
  } finally {
    stopOnInterrupt();
    lock.release();
  }
}

/** A run whose data workers cannot load by name cannot send them work. */
function checkRemote(config: RunConfig, io: RunIo): void {
  const problem = io.remote ? remoteDatasetProblem(config.dataset) : null;
  if (problem !== null) throw new NaskitError('invalid_argument', problem);
}

/** Files a run directory holds before any work is recorded (a run stopped right after it was created). */
function beforeAnyResult(name: string): boolean {
  return (
    name === RUN_FILES.config ||
    name === RUN_FILES.store ||
    name === RUN_FILES.lock ||
    name.startsWith(`.${RUN_FILES.config}.tmp-`)
  );
}

/**
 * The run's results store. A store that is missing or empty (a run stopped between writing config.json
 * and the store's header) is rebuilt from config.json — but only when the folder holds nothing else:
 * checkpoints, models or reports without the store that recorded them cannot be trusted or continued.
 */
function openOrRebuildStore(dir: string, resolved: ResolvedRun, io: RunIo): ResultsStore {
  const hash = configHash(resolved);
  const path = join(dir, RUN_FILES.store);
  const state = !existsSync(path) ? 'missing' : statSync(path).size === 0 ? 'empty' : 'present';
  if (state === 'present') return ResultsStore.open(path, hash);
  const others = readdirSync(dir).filter((name) => !beforeAnyResult(name) && !isEmptyDir(join(dir, name)));
  if (others.length > 0) {
    throw new NaskitError(
      'store_conflict',
      `${path} is ${state}, but ${dir} holds results of earlier sessions (${others.join(', ')}) that only the store ` +
        'can vouch for; restore results.jsonl from a backup, or start a new run with another --out',
    );
  }
  io.log(`results store ${state}: no work was recorded yet; rebuilding it from ${RUN_FILES.config}`);
  if (state === 'empty') unlinkSync(path);
  return ResultsStore.create(path, { run_id: resolved.run_id, config_hash: hash, created: resolved.created });
}

function isEmptyDir(path: string): boolean {
  return statSync(path).isDirectory() && readdirSync(path).length === 0;
}

/** The summary of a run that already exported its model and wrote summary.json, else null. */
function finishedSummary(dir: string, store: ResultsStore): RunSummary | null {
  if (store.of<ExportedRecord>('exported').length === 0) return null;
  const path = join(dir, RUN_FILES.summary);
  if (!existsSync(path)) return null; // stopped after the export: finish the summary and reports
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunSummary;
  } catch {
    return null; // torn or edited: write it again from the store
  }
}

function loadData(config: RunConfig, io: RunIo): LoadedDataset {
  const started = Date.now();
  const data = loadDataset(config.dataset, config.data_dir);
  io.log(
    `dataset ${data.name}: ${data.train.n} train / ${data.test.n} test images, ${data.train.channels}×${data.train.height}×${data.train.width}, ` +
      `${data.train.classes} classes (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  return data;
}

function inputShapeOf(data: LoadedDataset): [number, number, number] {
  return [data.train.channels, data.train.height, data.train.width];
}

async function execute(
  dir: string,
  resolved: ResolvedRun,
  data: LoadedDataset,
  store: ResultsStore,
  session: { resumed: boolean; startedAt: number },
  threads: number | undefined,
  io: RunIo,
): Promise<RunSummary> {
  const { config, plan } = resolved;
  const space: AnySpace = getSpace(config.space);
  // Programs built outside the training loops (proxies, export check) follow the run's thread count too.
  if (threads) setDefaultThreads(threads);
  // Run time of the earlier sessions (to their last record), as this session's clock counts it.
  const scale = io.timeScale ?? 1;
  const clock = runClock(scale * elapsedSeconds(store.records, 0), session.startedAt, scale);
  const sessionRecord: SessionRecord = {
    type: 'session',
    pid: process.pid,
    resumed: session.resumed,
    at: session.startedAt,
  };
  store.append(sessionRecord);
  const deadline = new Deadline(
    plan,
    {
      test_images: data.test.n,
      short_batch: config.short_train.batch_size,
      final_batch: config.final.batch_size,
    },
    config.budget_minutes,
    store,
    clock,
  );
  const reached = (p: Partial<RunProgress>): RunProgress => ({
    scored: true,
    candidates: store.of<CandidateRecord>('candidate').length,
    final_epochs: null,
    final_tested: false,
    baselines: 0,
    ...p,
  });
  const rng = new Rng(config.seed);
  const ctx: TrainContext = {
    config,
    normalization: data.normalization,
    cropFlipPadding: data.cropFlipPadding,
    threads,
  };
  const sets = runSets(data, config.seed, plan.val_images);
  const { trainPart, val } = sets;
  // What a job names to rebuild these sets on a worker.
  const ref: RunDataRef = {
    dataset: config.dataset,
    fingerprint: resolved.data.fingerprint,
    seed: config.seed,
    val_images: plan.val_images,
  };
  const remote = io.remote;

  const archs = sampleDistinct(space, plan.samples, rng.fork('sample'));
  const scorers = makeScorers(space, config, trainPart, data.normalization, rng.fork('proxy-batch'), threads);
  const scored = await scorePhase(archs, scorers, store, io.progress, 64, remote?.scorer(ref));
  const sizes = deadline.check('after-proxy', reached({}));
  const top = topK(scored, scorers, config.search.rank, plan.top_k).slice(0, sizes.top_k);

  const shortData = shortTrainingSet(sets, sizes.short_images, config.seed);
  const candidates = await shortTrainPhase(
    top,
    { train: shortData, val, ref, images: sizes.short_images },
    ctx,
    store,
    io.progress,
    (trained) => deadline.check(`candidate-${trained}`, reached({ candidates: trained })).top_k,
    remote?.shortTrainings,
  );
  const winner = pickWinner(candidates);
  io.log(
    `winner ${winner.arch}: ${winner.val_accuracy.toFixed(2)}% validation accuracy after short training`,
  );

  const finalSizes = deadline.check(BEFORE_FINAL, reached({ candidates: candidates.length }));
  const finalData = finalTrainingSet(sets, config.final.train_on, finalSizes.final_images, config.seed);
  const finalSets = { train: finalData, test: data.test };
  const replayed = { at: (completed: number) => deadline.finalEpochsAt(completed) };
  const specOf = (arch: string) =>
    finalTrainingSpec(config, arch, ref, finalSizes.final_images, deadline.finalSchedule());
  /** The trainer for an architecture's final training: a worker's, unless its weights are too large to return. */
  const finalRemote = (arch: string) => {
    if (!remote?.final) return undefined;
    const limit = remote.maxFinalResultBytes ?? Infinity;
    // base64 makes 4 characters of 3 bytes; the epochs and the test add little.
    const bytes = Math.ceil((weightBytes(specOf(arch), finalData) * 4) / 3);
    if (bytes < 0.9 * limit) return remote.final;
    io.log(
      `the final training of ${arch} stays in this process: its weights (${(bytes / 2 ** 20).toFixed(1)} MiB ` +
        `as a job result) are near or over the ${(limit / 2 ** 20).toFixed(0)} MiB a worker may return`,
    );
    return undefined;
  };
  const trainFinalOf = async (arch: string, epochs: FinalEpochs, tag: string) => {
    const trainer = finalRemote(arch);
    return trainer
      ? remoteFinalPhase(specOf(arch), finalSets, ctx, dir, store, io.progress, tag, trainer)
      : finalPhase(specOf(arch), finalSets, epochs, ctx, dir, store, io.progress, tag);
  };
  const final = await trainFinalOf(
    winner.arch,
    {
      ...replayed,
      after: (completed) =>
        deadline.check(
          `final-epoch-${completed}`,
          reached({ candidates: candidates.length, final_epochs: completed }),
          completed,
        ).final_epochs,
    },
    'final',
  );
  io.log(
    `test accuracy ${final.evaluation.test_accuracy.toFixed(2)}% on ${final.evaluation.test_images} test images`,
  );

  const description: ModelDescription = {
    space: config.space,
    model: config.space,
    arch: winner.arch,
    channels: config.network.channels,
    cells: config.network.cells,
    classes: data.train.classes,
    input_shape: resolved.data.input_shape,
    dataset: data.name,
    normalization: { mean: [...data.normalization.mean], std: [...data.normalization.std] },
  };
  // A session stopped after the export but before the summary does not export again.
  const exportedBefore =
    store.of<ExportedRecord>('exported').length > 0 &&
    existsSync(join(dir, RUN_FILES.model)) &&
    existsSync(join(dir, RUN_FILES.onnx));
  if (!exportedBefore) {
    const exportStarted = Date.now();
    saveModel(join(dir, RUN_FILES.model), final.params, description, {
      run_id: resolved.run_id,
      test_accuracy: final.evaluation.test_accuracy,
    });
    const probeLoader = new BatchLoader(data.test, {
      batchSize: Math.min(8, data.test.n),
      normalization: data.normalization,
    });
    const probe = probeLoader.epoch(0).next().value!;
    const exported = await writeOnnxModel(join(dir, RUN_FILES.onnx), description, final.params, {
      input: probe.input,
      batch: probe.labels.length,
    });
    const exportRecord: ExportedRecord = {
      type: 'exported',
      onnx: RUN_FILES.onnx,
      checkpoint: RUN_FILES.model,
      onnx_bytes: exported.bytes,
      onnx_max_abs_diff: exported.maxAbsDiff,
      seconds: (Date.now() - exportStarted) / 1000,
      at: Date.now(),
    };
    store.append(exportRecord);
  }

  // The baselines: trained and tested exactly like the winner (same images, epochs, schedule changes,
  // batch order and init stream), after the export so the run's answer is saved first.
  const baselineArchs = baselineArchitectures(space, config.seed, winner.arch);
  const winnerEpochs = final.epochs[final.epochs.length - 1]?.completed ?? 0;
  for (let i = 0; i < (plan.baselines ?? 0); i++) {
    const { name, arch } = baselineArchs[i]!;
    if (store.of<BaselineRecord>('baseline').some((r) => r.name === name)) continue;
    const progress = reached({
      candidates: candidates.length,
      final_epochs: winnerEpochs,
      final_tested: true,
      baselines: i,
    });
    if (i >= deadline.check(`baseline-${i + 1}`, progress).baselines) break;
    const started = Date.now();
    const result = arch === winner.arch ? final : await trainFinalOf(arch, replayed, `baseline-${name}`);
    const record: BaselineRecord = {
      type: 'baseline',
      name,
      arch,
      same_as_winner: arch === winner.arch,
      test_accuracy: result.evaluation.test_accuracy,
      test_loss: result.evaluation.test_loss,
      params: result.params.numel('trainable'),
      epochs: result.epochs.length,
      seconds: (Date.now() - started) / 1000,
      at: Date.now(),
    };
    store.append(record);
    io.log(`baseline ${name} ${arch}: test accuracy ${record.test_accuracy.toFixed(2)}%`);
  }

  const summary = buildSummary(dir, resolved, data, store, scorers, description, clock);
  writeFileAtomic(
    join(dir, RUN_FILES.summary),
    new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`),
  );
  await writeReports(dir, summary, store.records);
  return summary;
}

/** Offer the caller to free the lock on an interruption (see RunIo.interruptible). */
function whileLocked(io: RunIo, dir: string, lock: RunLock): () => void {
  return io.interruptible?.(dir, () => lock.release()) ?? (() => {});
}
