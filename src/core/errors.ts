// The one error class of kquant, with a closed set of codes. The CLI maps codes to exit codes.

export type KquantErrorCode =
  /** A bad option or argument (the caller's mistake, before any work). */
  | 'USAGE'
  /** An input that cannot be read or decoded as an image. */
  | 'INPUT'
  /** An input larger than the pixel limit. */
  | 'TOO_LARGE'
  /** An output that cannot or must not be written. */
  | 'OUTPUT'
  /** Anything else: a bug. */
  | 'INTERNAL';

export class KquantError extends Error {
  readonly code: KquantErrorCode;
  constructor(code: KquantErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KquantError';
    this.code = code;
  }
}

/** Throws a USAGE error unless `value` is an integer in [min, max]. */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new KquantError(
      'USAGE',
      `Expected integer between ${min} and ${max} for ${name} but received ${String(value)} of type ${typeof value}`,
    );
  }
  return value;
}

/** Throws a USAGE error unless `value` is a finite number in [min, max]. */
export function checkNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new KquantError(
      'USAGE',
      `Expected number between ${min} and ${max} for ${name} but received ${String(value)} of type ${typeof value}`,
    );
  }
  return value;
}
