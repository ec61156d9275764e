/** What a `naskit bench` command prints: one JSON object with --json, else its human-readable lines. */
export function benchOutput<R>(result: R, json: boolean | undefined, lines: (result: R) => string[]): string {
  return json ? `${JSON.stringify(result)}\n` : `${lines(result).join('\n')}\n`;
}
