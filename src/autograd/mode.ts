let enabled = true;

/** Whether ops record the graph for autograd right now. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Turns graph recording on or off globally; prefer `noGrad(fn)`, which restores the old mode. */
export function setGradEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Runs `fn` without recording the autograd graph: results do not require grad. Use it for
 * evaluation and for parameter updates. `fn` must be synchronous (the mode is restored when it
 * returns).
 * @example const y = nb.noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/**
 * Runs `fn` with graph recording on, even inside `noGrad`.
 * @example nb.noGrad(() => nb.enableGrad(() => x.mul(2))).requiresGrad; // true if x requires grad
 */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
