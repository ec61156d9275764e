/**
 * Vega and Vega-Lite specs rendered to standalone SVG strings in Node (the 'none' renderer, no canvas,
 * no browser). Text widths are estimated, which is fine for labels this short.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Warnings about chart details (e.g. a dropped encoding) go nowhere: a run's output stays clean. */
const quiet = vega.logger(vega.None);

export async function renderVega(spec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none', logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderVegaLite(spec: TopLevelSpec): Promise<string> {
  return renderVega(compile(spec, { logger: quiet }).spec);
}
