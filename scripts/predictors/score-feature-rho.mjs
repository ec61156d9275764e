// Spearman ρ of each score feature with the target, per setting: how much the features alone rank.
// Reads the score caches (fills what they lack, so run `naskit predict scores` first for slow proxies).
// Usage (after `npm run build`): node scripts/predictors/score-feature-rho.mjs DATA_DIR CACHE_DIR [PROXIES]
import { loadSettings } from '../../dist/experiments/predict/settings.js';
import { attachScoreFeatures } from '../../dist/experiments/predict/score-features.js';
import { spearman } from '../../dist/stats/correlation.js';

const [dataDir, cacheDir, proxyText] = process.argv.slice(2);
if (!dataDir || !cacheDir) throw new Error('usage: score-feature-rho.mjs DATA_DIR CACHE_DIR [PROXIES]');
const proxies = (proxyText ?? 'params,flops').split(',');
const settings = await attachScoreFeatures(await loadSettings({ dataDir }, () => {}), {
  proxies,
  cacheDir,
  dataDir,
});
console.log(['setting', 'graphs', ...proxies].join('\t'));
for (const s of settings) {
  const { dim, values } = s.scores.matrix;
  const rho = proxies.map((_, f) => {
    const col = Float64Array.from({ length: s.graphs.length }, (_, i) => values[i * dim + f]);
    return spearman(col, s.targets, { nonFinite: 'throw' }).toFixed(3);
  });
  console.log([s.name, s.graphs.length, ...rho].join('\t'));
}
