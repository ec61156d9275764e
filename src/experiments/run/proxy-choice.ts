/**
 * Which proxies a run scores with. A proxy may be limited to some spaces (`ProxyDefinition.spaces`:
 * epsilon's constant weights are published for NB201 and NB101 only), so the default depends on the
 * space: epsilon and params where epsilon applies, else NASWOT and params (NASWOT, like params, works
 * on any network a space builds).
 */
import { getProxy, proxyNames, type ProxyDefinition } from '../../proxies/index.js';

/** Per slot, the proxies to try in order; the first one that can score the space is taken. */
const DEFAULT_SLOTS: readonly (readonly string[])[] = [['epsilon', 'nwot'], ['params']];

function scores(definition: ProxyDefinition, space: string): boolean {
  return definition.spaces === undefined || definition.spaces.includes(space);
}

/** The run's proxies when the config names none. */
export function defaultProxies(space: string): string[] {
  return DEFAULT_SLOTS.flatMap((slot) => slot.find((name) => scores(getProxy(name), space)) ?? []);
}

/** What is wrong with running these proxies on `space` (unknown names, unsupported spaces), or null. */
export function proxiesProblem(names: readonly string[], space: string): string | null {
  const unknown = names.find((n) => !proxyNames.includes(n));
  if (unknown !== undefined) return `unknown proxy '${unknown}'; allowed: ${proxyNames.join(', ')}`;
  const unfit = names.map(getProxy).find((d) => !scores(d, space));
  if (unfit === undefined) return null;
  const fit = proxyNames.filter((n) => scores(getProxy(n), space));
  return (
    `proxy '${unfit.name}' scores only ${unfit.spaces!.join(', ')} architectures, not ${space}; ` +
    `proxies for ${space}: ${fit.join(', ')}`
  );
}
