/**
 * naskit's public API: what `import … from 'naskit'` gives. Everything here is meant for library users
 * and stays stable across internal moves; anything else under src/ is internal. The CLI (`naskit …`)
 * is built on these same entry points. See the README section "Use naskit as a library".
 */

// Errors, seeded randomness, data folders, threads.
export { NaskitError } from './util/errors.js';
export type { ErrorCode } from './util/errors.js';
export { Rng } from './util/rng.js';
export { bundledDataDir, resolveDataDir } from './util/data-dir.js';
export { getDefaultThreads, setDefaultThreads } from './runtime/session.js';

// Search spaces.
export { darts, getSpace, nb101, nb201, spaceNames, tnbMacro, tnbMicro } from './spaces/index.js';
export type {
  AlphaSpec,
  AnySpace,
  CellType,
  DartsArch,
  DartsEdge,
  DartsOp,
  DartsSpace,
  EncodingInfo,
  EncodingKind,
  Nb101Arch,
  Nb101CellOp,
  Nb101Label,
  Nb101Space,
  Nb201Arch,
  Nb201Op,
  Nb201Space,
  NetworkConfig,
  SearchSpace,
  Supernet,
  SupernetConfig,
  SupernetMode,
  TnbMacroArch,
  TnbMacroBlock,
  TnbMacroSpace,
  TnbMicroArch,
  TnbMicroOp,
  TnbMicroSpace,
} from './spaces/index.js';
export type { NetworkSpec } from './graph/network.js';

// Tabular benchmarks.
export { BENCHMARKS, openBenchmark, openTable } from './benchmarks/catalog.js';
export type { BenchmarkEntry, BenchmarkSource, OpenBenchmarkOptions } from './benchmarks/catalog.js';
export { TabularBenchmark } from './benchmarks/table.js';
export type { MetricColumn, MetricInfo, TableInit } from './benchmarks/table.js';
export type { CostModel } from './benchmarks/cost.js';
export { restrictToTable } from './benchmarks/table-space.js';

// Zero-cost proxies.
export { defineProxy, getProxy, proxyNames, resolveProxies } from './proxies/index.js';
export type {
  ProxyContext,
  ProxyDefinition,
  ProxyDirection,
  ProxyScorer,
  ProxyValue,
} from './proxies/index.js';
export { createProxyContext } from './proxies/context.js';
export type { ContextOptions as ProxyContextOptions } from './proxies/context.js';
export { scoreArchitectures } from './proxies/run.js';
export type { ArchScorer, ScoreProgress, ScoreRunOptions } from './proxies/run.js';
export { ScoreCache } from './proxies/cache.js';
export type { CacheIdentity } from './proxies/cache.js';
export { evaluateProxies } from './experiments/proxies/evaluate.js';
export type { ProxyEvalOptions, ProxyEvalResult } from './experiments/proxies/evaluate.js';

// Distributed jobs on BullMQ/Redis: a worker, the coordinator, and the proxy and search-seed transports.
export { startWorker } from './distributed/worker.js';
export type { RunningWorker, WorkerOptions } from './distributed/worker.js';
export { runJobs } from './distributed/coordinator.js';
export type {
  CoordinatorOptions,
  CoordinatorResult,
  FailedJob,
  JobRecord,
} from './distributed/coordinator.js';
export { parseJob, jobId } from './distributed/jobs.js';
export type { NaskitJob, ProxyChunkJob, SearchSeedJob } from './distributed/jobs.js';
export { queueScorer } from './distributed/proxies.js';
export type { QueueScoreOptions } from './distributed/proxies.js';
export { queueSeedRunner } from './distributed/search.js';
export type { QueueSeedOptions } from './distributed/search.js';
export { benchQueue } from './distributed/bench.js';
export type { QueueBenchOptions, QueueBenchResult } from './distributed/bench.js';

// Statistics: rank correlations, ranks, summaries; the non-finite policy is always explicit.
export { kendall, pearson, spearman } from './stats/correlation.js';
export type { CorrelationOptions } from './stats/correlation.js';
export { failuresAsWorst } from './stats/non-finite.js';
export type { NonFiniteOptions, NonFinitePolicy } from './stats/non-finite.js';
export { averageRanks } from './stats/rank.js';
export { meanStd, median } from './stats/summary.js';
export type { MeanStd } from './stats/summary.js';
export { topKRecall } from './stats/topk.js';
export { pairedStandardError, standardError } from './stats/noise.js';

// Black-box search strategies on tabular benchmarks.
export {
  BenchmarkEvaluator,
  REPORT_BUDGETS,
  STRATEGIES,
  getStrategy,
  incumbentAt,
  incumbentAtTime,
  oracle,
  resolveParams,
  runSearch,
  runSeeds,
  summarizeRuns,
} from './search/index.js';
export type {
  Budget,
  BudgetSummary,
  Evaluator,
  EvaluatorOptions,
  Observation,
  Oracle,
  ParamSpec,
  QueryRecord,
  SearchContext,
  SearchRun,
  SearchRunOptions,
  Strategy,
  StrategyDefinition,
  StrategyParams,
} from './search/index.js';
export { proxyRanking } from './search/proxy-ranking.js';
export type { ProxyRankingOptions } from './search/proxy-ranking.js';
export { DEFAULT_WARM_POOL } from './search/warm-start.js';
export type { ProxyRanking, WarmStartInfo, WarmStartOptions } from './search/warm-start.js';

// Accuracy predictors (neural predictors, ensembles, few-shot meta-learning, predictor-guided search).
export { DEFAULT_FIT, NeuralPredictor } from './predictors/predictor.js';
export type {
  NeuralPredictorOptions,
  Predictor,
  PredictorEncoding,
  PredictorKind,
} from './predictors/predictor.js';
export { PredictorEnsemble } from './predictors/ensemble.js';
export type { UncertainPrediction } from './predictors/ensemble.js';
export type { TrainConfig as PredictorTrainConfig } from './predictors/train.js';
export { unifiedGraph } from './predictors/unified-graph.js';
export type { UnifiedGraph } from './predictors/unified-graph.js';
export { builtinSettingSpecs, loadSetting, settingFromTable, tableSetting } from './predictors/settings.js';
export type { Setting, SettingSpec } from './predictors/settings.js';
export { DEFAULT_META_EVAL, METHODS as META_EVAL_METHODS, runMetaEval } from './predictors/meta-eval.js';
export type {
  MetaEvalConfig,
  MetaEvalOptions,
  MetaEvalResult,
  MetaEvalRow,
  Method as MetaEvalMethod,
} from './predictors/meta-eval.js';
export { guidedStrategy, learnGuidedPredictor } from './predictors/guided-search.js';
export type { LearnedPredictor } from './predictors/guided-search.js';
export { releasePrograms as releasePredictorPrograms, setPredictorThreads } from './predictors/engine.js';

// Training a network: parameters, the training loop, evaluation.
export { ParamStore } from './runtime/params.js';
export { Forward, buildEvalGraph, buildTrainGraph } from './runtime/train-program.js';
export type { ParamSource } from './runtime/train-program.js';
export { makeOptimizer } from './runtime/optim.js';
export type { Optimizer, OptimizerSpec } from './runtime/optim.js';
export { evaluate as evaluateNetwork, trainNetwork } from './train/trainer.js';
export type {
  EpochRecord as TrainEpochRecord,
  EvalResult,
  StepInfo as TrainStepInfo,
  TrainOptions,
  TrainResult,
} from './train/trainer.js';
export { simpleCnn } from './nn/simple-cnn.js';

// Weight-sharing supernets: the trainer (mixed / DARTS and single-path / SPOS), sub-network scores,
// GeNAS flatness.
export { DEFAULT_HYPER, SupernetTrainer } from './train/supernet/trainer.js';
export type {
  EpochRecord as SupernetEpochRecord,
  PathSampler,
  StepInfo as SupernetStepInfo,
  SupernetData,
  SupernetHyper,
  SupernetTrainerOptions,
} from './train/supernet/trainer.js';
export type { Path } from './train/supernet/programs.js';
export { evaluatePath } from './train/supernet/subnet-eval.js';
export type { EvalData as SubnetEvalData, SubnetScore } from './train/supernet/subnet-eval.js';
export { DEFAULT_SIGMAS, flatnessOf } from './train/supernet/flatness.js';
export type { FlatnessOptions, FlatnessResult, NoiseMode } from './train/supernet/flatness.js';

// ONNX export and checkpoints.
export { exportOnnx } from './runtime/export.js';
export type { ExportResult } from './runtime/export.js';
export { exportParity } from './runtime/export-check.js';
export { loadCheckpoint, restoreParams, saveCheckpoint } from './runtime/checkpoint.js';
export type { CheckpointContents, LoadedCheckpoint } from './runtime/checkpoint.js';

// Image datasets: loaders, splits, batches, normalization.
export { DATASET_HELP, DATASET_NAMES, loadDataset } from './data/catalog.js';
export type { DatasetName, LoadedDataset } from './data/catalog.js';
export { loadImageDataset } from './data/image-sets.js';
export type { ImageSplit } from './data/image-sets.js';
export { CLASS_NAMES, classCounts, makeDataset, subset } from './data/dataset.js';
export type { DatasetParts, ImageDataset } from './data/dataset.js';
export { loadCifar } from './data/cifar.js';
export type { CifarVariant } from './data/cifar.js';
export { loadIdxDataset } from './data/idx.js';
export type { IdxDatasetFiles } from './data/idx.js';
export { loadMnistPackage } from './data/mnist-package.js';
export { loadFashionMnistPackage } from './data/fashion-mnist-package.js';
export { syntheticDataset } from './data/synthetic.js';
export type { SyntheticOptions } from './data/synthetic.js';
export { splitDataset, splitIndices } from './data/split.js';
export type { IndexSplit, SplitOptions } from './data/split.js';
export { downsample } from './data/downsample.js';
export { STANDARD_NORMALIZATION, channelStats, unitScale } from './data/normalize.js';
export type { Normalization } from './data/normalize.js';
export { BatchLoader } from './data/batches.js';
export type { Batch, BatchOptions } from './data/batches.js';
