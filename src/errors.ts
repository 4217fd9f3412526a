/**
 * Error classes thrown by nabla. Messages follow `${op}: expected ${what}, got ${actual}`,
 * with shapes printed as `[2, 3]`, so they can be searched and matched in tests.
 */

/** Formats a shape the way error messages print it: `[2, 3]`, `[]` for a scalar. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Thrown when operand shapes do not fit an op (broadcasting, matmul, reshape, ...). */
export class ShapeError extends Error {
  override name = 'ShapeError';
  /** The op that refused its input. */
  readonly op: string;
  /** The offending shapes, when the message is about shapes. */
  readonly shapes: readonly (readonly number[])[];
  constructor(op: string, message: string, shapes: readonly (readonly number[])[] = []) {
    super(`${op}: ${message}`);
    this.op = op;
    this.shapes = shapes;
  }
}

/** Thrown when an operand has a dtype the op cannot take (e.g. float indices). */
export class DTypeError extends TypeError {
  override name = 'DTypeError';
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.op = op;
  }
}

/** Thrown for an index or dim out of range. */
export class IndexError extends RangeError {
  override name = 'IndexError';
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.op = op;
  }
}

/** Thrown for a value an op cannot take (a negative size, NaN in an int tensor, ...). */
export class ValueError extends RangeError {
  override name = 'ValueError';
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.op = op;
  }
}

/** Thrown for a combination nabla does not support (yet), so it never silently computes garbage. */
export class UnsupportedOpError extends Error {
  override name = 'UnsupportedOpError';
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.op = op;
  }
}

/** Thrown when a backward pass cannot run: freed graph, in-place modification, non-scalar root. */
export class BackwardNotSupportedError extends Error {
  override name = 'BackwardNotSupportedError';
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.op = op;
  }
}
