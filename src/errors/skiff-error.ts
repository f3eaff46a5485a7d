import { ERRORS, type ErrorCode } from './catalog.ts';

const BRAND = Symbol.for('skiff.error');

/**
 * An error with a stable code from the catalog. `message` says what went wrong and where;
 * the catalog's hint says what to do. Branded with a global symbol so that `instanceof`
 * works across duplicated module copies (the undici trick).
 */
export class SkiffError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SkiffError';
    this.code = code;
    this.details = options?.details;
  }

  get status(): number { return ERRORS[this.code].status; }
  get reason(): string { return ERRORS[this.code].reason; }
  get hint(): string { return ERRORS[this.code].hint; }

  get [BRAND](): true { return true; }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export function isSkiffError(value: unknown, code?: ErrorCode): value is SkiffError {
  return value instanceof SkiffError && (code === undefined || value.code === code);
}
