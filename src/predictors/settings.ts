/**
 * Settings for cross-benchmark predictor transfer. A setting = (benchmark table, search space,
 * dataset/task, metric), loaded into unique unified graphs with one target each:
 * - rows whose graphs share a WL hash (isomorphic cells, e.g. NB201 strings that differ only in dead
 *   edges) are merged and their targets averaged, so one graph can never sit in both a support and an
 *   evaluation set (spec pitfall P1);
 * - targets are oriented so that higher is better (a metric marked ':min' is negated).
 *
 * Built-in settings come from the data dir through src/benchmarks; any table in the generic benchmark
 * CSV format (column `arch` + metric columns) becomes a setting with `tableSetting`.
 */
import { BENCHMARKS, openBenchmark, openTable } from '../benchmarks/catalog.js';
import type { TabularBenchmark } from '../benchmarks/table.js';
import { getSpace } from '../spaces/index.js';
import { NaskitError } from '../util/errors.js';
import type { ScoreMatrix } from './encoding.js';
import { graphHash, supportsUnified, unifiedGraph, type UnifiedGraph } from './unified-graph.js';

export interface SettingSpec {
  /** '<space>/<dataset>', e.g. 'nb201/cifar10', 'tnb101-micro/jigsaw'. */
  name: string;
  space: string;
  dataset: string;
  metric: string;
  maximize: boolean;
  /** Where the rows come from: the data-dir catalog or a generic-format file. */
  from: { kind: 'catalog'; source: 'table' | 'suite-zero' } | { kind: 'file'; path: string };
}

export interface Setting {
  readonly spec: SettingSpec;
  readonly name: string;
  readonly space: string;
  /** Unique graphs (by WL hash). */
  readonly graphs: readonly UnifiedGraph[];
  /**
   * The canonical string (`space.format`) of each graph's first table row: the architecture whose
   * network the score features (params, FLOPs, zero-cost proxies) are computed on.
   */
  readonly archs: readonly string[];
  /** Mean target of each graph's rows, oriented so higher is better. */
  readonly targets: Float64Array;
  /** Table rows used (before merging isomorphic graphs). */
  readonly rows: number;
  /** Score features of every graph, standardized within this setting (see score-features.ts). */
  readonly scores?: SettingScores;
}

export interface SettingScores {
  /** Feature names (proxy names), in column order. */
  readonly names: readonly string[];
  readonly matrix: ScoreMatrix;
}

/**
 * The built-in settings: every (space, dataset) the catalog has with a unified-graph converter,
 * using the full table where there is one and the NAS-Bench-Suite-Zero samples otherwise (NB301
 * cifar10 and the ninapro / svhn / scifar100 tasks of NB201, NB301 and TNB101 micro).
 */
export function builtinSettingSpecs(): SettingSpec[] {
  const specs: SettingSpec[] = [];
  const seen = new Set<string>();
  for (const source of ['table', 'suite-zero'] as const) {
    for (const entry of BENCHMARKS) {
      if (entry.source !== source || !supportsUnified(entry.space)) continue;
      for (const dataset of entry.datasets) {
        const name = `${entry.space}/${dataset}`;
        if (seen.has(name)) continue;
        seen.add(name);
        specs.push({
          name,
          space: entry.space,
          dataset,
          metric: 'val_acc',
          maximize: true,
          from: { kind: 'catalog', source },
        });
      }
    }
  }
  return specs;
}

/** Parse 'metric' or 'metric:min' / 'metric:max'. */
export function parseMetric(text: string): { metric: string; maximize: boolean } {
  const m = /^(.+?)(?::(min|max))?$/.exec(text.trim());
  if (!m || m[1]!.length === 0) {
    throw new NaskitError(
      'invalid_argument',
      `metric '${text}': expected NAME or NAME:min / NAME:max (lower / higher is better)`,
    );
  }
  return { metric: m[1]!, maximize: m[2] !== 'min' };
}

/** A setting from a table in the generic benchmark format. */
export function tableSetting(path: string, space: string, metricText = 'val_acc'): SettingSpec {
  getSpace(space); // names the valid spaces when unknown
  if (!supportsUnified(space)) {
    throw new NaskitError(
      'invalid_argument',
      `space '${space}' has no unified graph encoding, so it cannot be a predictor setting`,
    );
  }
  const { metric, maximize } = parseMetric(metricText);
  const base = path.replace(/^.*[\\/]/, '').replace(/\.csv(\.gz)?$/i, '');
  const dataset = metric === 'val_acc' ? base : `${base}:${metric}`;
  return { name: `${space}/${dataset}`, space, dataset, metric, maximize, from: { kind: 'file', path } };
}

async function openSpec(spec: SettingSpec, dataDir: string | undefined): Promise<TabularBenchmark> {
  if (spec.from.kind === 'file') return openTable(spec.from.path, spec.space, spec.dataset);
  return openBenchmark({
    space: spec.space,
    dataset: spec.dataset,
    source: spec.from.source,
    ...(dataDir ? { dataDir } : {}),
  });
}

/** Turn a benchmark table into a setting (unique graphs, oriented targets). */
export function settingFromTable(spec: SettingSpec, table: TabularBenchmark): Setting {
  const values = table.column(spec.metric);
  const byHash = new Map<string, number>();
  const graphs: UnifiedGraph[] = [];
  const archs: string[] = [];
  const sums: number[] = [];
  const counts: number[] = [];
  let used = 0;
  for (const row of table.searchableRows()) {
    const v = values[row]!;
    if (!Number.isFinite(v)) continue;
    const arch = table.archAt(row);
    const graph = unifiedGraph(spec.space, arch);
    const hash = graphHash(graph);
    let k = byHash.get(hash);
    if (k === undefined) {
      k = graphs.length;
      byHash.set(hash, k);
      graphs.push(graph);
      archs.push(table.space.format(arch));
      sums.push(0);
      counts.push(0);
    }
    sums[k]! += spec.maximize ? v : -v;
    counts[k]! += 1;
    used++;
  }
  if (graphs.length < 2) {
    throw new NaskitError(
      'data_corrupt',
      `setting ${spec.name}: ${table.source} has ${graphs.length} architecture(s) with a finite '${spec.metric}'; a setting needs at least 2`,
    );
  }
  const targets = Float64Array.from(sums, (s, k) => s / counts[k]!);
  return { spec, name: spec.name, space: spec.space, graphs, archs, targets, rows: used };
}

export async function loadSetting(spec: SettingSpec, dataDir?: string): Promise<Setting> {
  return settingFromTable(spec, await openSpec(spec, dataDir));
}

/** Find settings by name; an unknown name lists the valid ones. */
export function pickSpecs(all: readonly SettingSpec[], names: readonly string[]): SettingSpec[] {
  return names.map((name) => {
    const spec = all.find((s) => s.name === name || s.name.toLowerCase() === name.toLowerCase());
    if (!spec) {
      throw new NaskitError(
        'invalid_argument',
        `unknown setting '${name}'; valid settings: ${all.map((s) => s.name).join(', ')}`,
      );
    }
    return spec;
  });
}
