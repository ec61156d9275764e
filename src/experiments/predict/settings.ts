/**
 * Which predictor settings (benchmark × space × dataset × metric) a `naskit predict` job uses: the
 * built-in ones (all, none or a named few) plus tables in the generic benchmark CSV format.
 */
import {
  type Setting,
  type SettingSpec,
  builtinSettingSpecs,
  loadSetting,
  pickSpecs,
  tableSetting,
} from '../../predictors/settings.js';
import { resolveDataDir } from '../../util/data-dir.js';
import { NaskitError } from '../../util/errors.js';

/** A table in the generic benchmark CSV format used as a setting. */
export interface ExtraTable {
  file: string;
  space: string;
  /** Metric column, NAME[:min] (default val_acc). */
  metric?: string;
}

export interface SettingsSelection {
  /** Benchmark data folder of the built-in settings (default: $NASKIT_DATA, then the bundled tables). */
  dataDir?: string;
  /** Built-in settings: 'all' (the default), 'none', or names. */
  builtins?: 'all' | 'none' | readonly string[];
  extraTables?: readonly ExtraTable[];
}

/** Loads the selected settings, refusing two with the same name; logs how long loading took. */
export async function loadSettings(sel: SettingsSelection, log: (m: string) => void): Promise<Setting[]> {
  const extras = (sel.extraTables ?? []).map((t) => tableSetting(t.file, t.space, t.metric ?? 'val_acc'));
  const which = sel.builtins ?? 'all';
  let builtins: SettingSpec[] = [];
  if (which !== 'none') {
    const all = builtinSettingSpecs();
    builtins = which === 'all' ? all : pickSpecs(all, which);
  }
  const dataDir = builtins.length > 0 ? resolveDataDir(sel.dataDir) : undefined;
  const specs = [...builtins, ...extras];
  const names = new Set<string>();
  for (const s of specs) {
    if (names.has(s.name)) {
      throw new NaskitError(
        'invalid_argument',
        `two settings are named ${s.name}; rename the --extra-table file or pick another --metric`,
      );
    }
    names.add(s.name);
  }
  const t0 = performance.now();
  const settings: Setting[] = [];
  for (const spec of specs) settings.push(await loadSetting(spec, dataDir));
  log(`loaded ${settings.length} settings in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return settings;
}

export interface SettingRow {
  name: string;
  space: string;
  /** NAME, or NAME:min when lower is better. */
  metric: string;
  rows: number;
  /** Distinct architecture graphs. */
  graphs: number;
  /** The table's path, or the built-in benchmark source. */
  source: string;
}

/** `naskit predict settings`: one row per selected setting. */
export async function listSettings(sel: SettingsSelection): Promise<SettingRow[]> {
  const settings = await loadSettings(sel, () => {});
  return settings.map((s) => ({
    name: s.name,
    space: s.space,
    metric: `${s.spec.metric}${s.spec.maximize ? '' : ':min'}`,
    rows: s.rows,
    graphs: s.graphs.length,
    source: s.spec.from.kind === 'file' ? s.spec.from.path : s.spec.from.source,
  }));
}
