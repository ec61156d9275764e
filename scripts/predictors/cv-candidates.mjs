// What maml-cv / reptile-cv would have scored had only some candidates competed, read from a
// `naskit predict meta-eval --cv-report --cv-candidates all --json` output: per setting and CV method,
// the query Spearman of the candidate with the best out-of-fold score among LABELS, mean over draws.
// Exact: a candidate's out-of-fold and query scores do not depend on which others compete.
// Usage (after `npm run build`): node scripts/predictors/cv-candidates.mjs REPORT.json [LABELS|default]
import { readFileSync } from 'node:fs';
import { DEFAULT_META_EVAL } from '../../dist/predictors/meta-eval.js';

const [file, labelsArg = 'default'] = process.argv.slice(2);
if (!file) throw new Error('usage: cv-candidates.mjs REPORT.json [LABELS|default]');
const report = JSON.parse(readFileSync(file, 'utf8'));
const wanted = labelsArg === 'default' ? DEFAULT_META_EVAL.cv.only : labelsArg.split(',');
const label = (start, a) => (a.steps === 0 ? `${start}:0` : `${start}:${a.steps}@${a.lr}`);
const defaults = {
  'maml-cv': label('own', DEFAULT_META_EVAL.mamlAdapt),
  'reptile-cv': label('own', DEFAULT_META_EVAL.reptileAdapt),
};
const pooledDefault = label('pooled', DEFAULT_META_EVAL.finetuneAdapt);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows = [];
for (const r of report.results) {
  if (!r.candidates) continue;
  const names = new Set(
    wanted.map((l) =>
      l === 'own:default' ? defaults[r.method] : l === 'pooled:default' ? pooledDefault : l,
    ),
  );
  const kept = r.candidates.filter((c) => names.has(c.label));
  if (kept.length === 0)
    throw new Error(`${r.setting} ${r.method}: none of ${[...names].join(', ')} was reported`);
  const draws = kept[0].cv.length;
  const picked = Array.from(
    { length: draws },
    (_, d) => kept.reduce((best, c) => (c.cv[d] > best.cv[d] ? c : best)).query[d],
  );
  const all = Array.from(
    { length: draws },
    (_, d) => r.candidates.reduce((best, c) => (c.cv[d] > best.cv[d] ? c : best)).query[d],
  );
  rows.push({ setting: r.setting, method: r.method, all: mean(all), kept: mean(picked) });
}
for (const method of [...new Set(rows.map((r) => r.method))]) {
  const mine = rows.filter((r) => r.method === method);
  for (const r of mine)
    console.log(`${r.setting}\t${method}\twhole grid ${r.all.toFixed(3)}\tkept ${r.kept.toFixed(3)}`);
  if (mine.length > 1)
    console.log(
      `mean\t${method}\twhole grid ${mean(mine.map((r) => r.all)).toFixed(3)}\tkept ${mean(mine.map((r) => r.kept)).toFixed(3)}`,
    );
}
