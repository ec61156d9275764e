/**
 * One error type for the whole toolkit. `code` says what kind of failure it is (the CLI maps it to an
 * exit status); the message says where, what was expected versus received, and what to do about it.
 */
export type ErrorCode =
  | 'shape_mismatch'
  | 'dtype_mismatch'
  | 'no_vjp'
  | 'unknown_op'
  | 'missing_feed'
  | 'non_finite'
  | 'runtime_failure'
  | 'invalid_arch'
  | 'invalid_argument'
  | 'invalid_config'
  | 'benchmark_missing'
  | 'data_missing'
  | 'data_corrupt'
  | 'store_conflict'
  | 'not_found';

export class NaskitError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NaskitError';
    this.code = code;
  }
}

export function fail(code: ErrorCode, message: string, cause?: unknown): never {
  throw new NaskitError(code, message, cause === undefined ? undefined : { cause });
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
