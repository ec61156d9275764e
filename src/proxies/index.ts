/**
 * The proxy registry: every zero-cost proxy is listed here once. Names are unique (checked when the
 * module loads); `getProxy` names the valid ones when asked for an unknown proxy.
 */
import { NaskitError } from '../util/errors.js';
import { epsilon } from './epsilon.js';
import { epsilonRobust } from './epsilon-robust.js';
import { epeNas } from './epe-nas.js';
import { fisher } from './fisher.js';
import { flops } from './flops.js';
import { gradNorm } from './grad-norm.js';
import { grasp } from './grasp.js';
import { jacov } from './jacov.js';
import { l2Norm } from './l2-norm.js';
import { nwot } from './nwot.js';
import { params } from './params.js';
import { synflow } from './synflow.js';
import { zen } from './zen.js';
import { plain } from './plain.js';
import { snip } from './snip.js';
import type { ProxyDefinition } from './proxy.js';

export function buildRegistry(list: readonly ProxyDefinition[]): ReadonlyMap<string, ProxyDefinition> {
  const map = new Map<string, ProxyDefinition>();
  for (const proxy of list) {
    if (map.has(proxy.name)) {
      throw new NaskitError(
        'invalid_argument',
        `proxy '${proxy.name}' is registered twice; proxy names must be unique`,
      );
    }
    map.set(proxy.name, proxy);
  }
  return map;
}

const REGISTRY = buildRegistry([
  epsilon,
  epsilonRobust,
  synflow,
  snip,
  grasp,
  fisher,
  gradNorm,
  jacov,
  nwot,
  epeNas,
  zen,
  l2Norm,
  plain,
  params,
  flops,
]);

export const proxyNames: readonly string[] = [...REGISTRY.keys()];

export function getProxy(name: string): ProxyDefinition {
  const proxy = REGISTRY.get(name);
  if (!proxy) {
    throw new NaskitError(
      'invalid_argument',
      `unknown proxy '${name}'; valid proxies: ${proxyNames.join(', ')}`,
    );
  }
  return proxy;
}

/** Parse a comma-separated list (or 'all'), rejecting unknown names and duplicates. */
export function resolveProxies(list: readonly string[]): ProxyDefinition[] {
  const names = list.length === 1 && list[0] === 'all' ? proxyNames : list;
  if (names.length === 0)
    throw new NaskitError('invalid_argument', `no proxies given; valid proxies: ${proxyNames.join(', ')}`);
  const seen = new Set<string>();
  return names.map((n) => {
    if (seen.has(n)) throw new NaskitError('invalid_argument', `proxy '${n}' is listed twice`);
    seen.add(n);
    return getProxy(n);
  });
}

export { defineProxy } from './proxy.js';
export type { ProxyContext, ProxyDefinition, ProxyDirection, ProxyScorer, ProxyValue } from './proxy.js';
