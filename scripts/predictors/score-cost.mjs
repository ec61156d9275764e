// Per-architecture cost of the score features (params, flops and network zero-cost proxies) on one
// core: N architectures of each space's predictor settings (the first N graphs of the first setting
// of the space), scored one proxy at a time with 1 ONNX Runtime thread, no cache. Prints seconds per
// architecture (the first architecture, which compiles the programs, is reported apart).
// Usage (after `npm run build`): node scripts/predictors/score-cost.mjs DATA_DIR [N] [PROXIES] [SPACES]
//   PROXIES: comma-separated (default params,flops,epsilon,nwot,synflow,jacov)
//   SPACES: comma-separated (default nb201,nb101,darts,tnb101-micro)
import { loadSettings } from '../../dist/experiments/predict/settings.js';
import { createProxyContext } from '../../dist/proxies/context.js';
import { getProxy } from '../../dist/proxies/index.js';
import { scoreArchitectures } from '../../dist/proxies/run.js';
import { getSpace } from '../../dist/spaces/index.js';

const [dataDir, nText, proxyText, spaceText] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: score-cost.mjs DATA_DIR [N] [PROXIES] [SPACES]');
const n = Number(nText ?? 10);
const proxies = (proxyText ?? 'params,flops,epsilon,nwot,synflow,jacov').split(',');
const spaces = (spaceText ?? 'nb201,nb101,darts,tnb101-micro').split(',');
const settings = await loadSettings({ dataDir }, () => {});
for (const spaceName of spaces) {
  const setting = settings.find((s) => s.space === spaceName);
  if (!setting) throw new Error(`no setting of space ${spaceName}`);
  const space = getSpace(spaceName);
  const archs = setting.archs.slice(0, n + 1).map((a) => space.parse(a));
  for (const name of proxies) {
    const supported = getProxy(name).spaces;
    if (supported && !supported.includes(spaceName)) {
      console.log(`${spaceName}\t${name}\tnot supported (only ${supported.join(', ')})`);
      continue;
    }
    const context = createProxyContext({ space, dataset: 'cifar10', dataDir, seed: 0, threads: 1 });
    const times = [];
    let failed = 0;
    const t0 = performance.now();
    await scoreArchitectures({
      context,
      proxies: [getProxy(name)],
      archs,
      chunk: 1,
      onProgress: () => {
        times.push(performance.now());
      },
    });
    const first = (times[1] - t0) / 1000;
    const rest = (times.at(-1) - times[1]) / 1000 / (archs.length - 1);
    const out = await scoreArchitectures({ context, proxies: [getProxy(name)], archs: archs.slice(0, 1) });
    failed += out.get(name).filter((v) => v.value === null).length;
    console.log(
      `${spaceName}\t${name}\tfirst ${first.toFixed(2)} s\tthen ${rest.toFixed(3)} s/arch\t(${n} archs${failed ? `, ${failed} failed` : ''})`,
    );
  }
}
