import { BackwardNotSupportedError, ShapeError, fmtShape } from '../errors.js';
import { full } from '../tensor/create.js';
import { beginReuse, endReuse } from '../tensor/reuse.js';
import { sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled, setGradEnabled } from './mode.js';
import { GradHandoff } from './handoff.js';
import { AccumulateGrad, Node } from './node.js';

/** Options of `backward` and `grad`. */
export interface BackwardOptions {
  /** Keep saved values so the graph can be walked again. Defaults to `createGraph`. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order derivatives. Default `false`. */
  createGraph?: boolean;
}

/** Options of `grad`. */
export interface GradOptions extends BackwardOptions {
  /** Return `null` for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
  /** With `allowUnused`, return zeros instead of `null` for unused inputs. */
  materializeGrads?: boolean;
}

/** The node a tensor's gradient flows into: its `gradFn`, the leaf's accumulator, or none. */
export function gradEdge(t: Tensor): Node | null {
  return t.gradFn ?? (t.requiresGrad ? t.accumulator() : null);
}

// Reverse post-order of a depth-first walk from the roots: every node comes before the nodes
// its gradient flows to. Iterative, so a graph thousands of ops deep does not overflow the stack.
function topoOrder(roots: readonly Node[]): Node[] {
  const post: Node[] = [];
  const seen = new Set<Node>();
  const stack: [Node, number][] = [];
  for (const r of roots) {
    if (seen.has(r)) continue;
    seen.add(r);
    stack.push([r, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [n, i] = top;
      if (i < n.next.length) {
        top[1] = i + 1;
        const c = n.next[i];
        if (c !== null && !seen.has(c)) {
          seen.add(c);
          stack.push([c, 0]);
        }
      } else {
        stack.pop();
        post.push(n);
      }
    }
  }
  return post.reverse();
}

function checkGrad(node: Node, g: Tensor): void {
  if (!sameShape(g.shape, node.shape)) {
    throw new ShapeError(
      'backward',
      `expected the gradient flowing into ${node.name} to have shape ${fmtShape(node.shape)}, got ${fmtShape(g.shape)}`,
      [node.shape, g.shape],
    );
  }
}

function rootGrads(
  op: string,
  roots: readonly Tensor[],
  grads: readonly (Tensor | null | undefined)[] | undefined,
): Tensor[] {
  return roots.map((r, i) => {
    const g = grads?.[i];
    if (g !== undefined && g !== null) {
      if (!sameShape(g.shape, r.shape)) {
        throw new ShapeError(
          op,
          `expected gradient of shape ${fmtShape(r.shape)} for output ${i}, got ${fmtShape(g.shape)}`,
          [r.shape, g.shape],
        );
      }
      return g.dtype === r.dtype ? g : g.to(r.dtype);
    }
    if (r.numel() !== 1) {
      throw new BackwardNotSupportedError(
        op,
        `grad can be implicitly created only for scalar outputs, got an output of shape ${fmtShape(r.shape)}`,
      );
    }
    return r.onesLike();
  });
}

/**
 * Runs reverse-mode differentiation from `roots`. With `targets`, returns the gradient reaching
 * each target node and leaves `.grad` untouched; without, accumulates into leaves' `.grad`.
 */
function run(
  op: string,
  roots: readonly Tensor[],
  grads: readonly (Tensor | null | undefined)[] | undefined,
  opts: BackwardOptions,
  targets?: readonly Node[],
): (Tensor | null)[] {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const rootNodes = roots.map((r, i) => {
    const e = gradEdge(r);
    if (e === null) {
      throw new BackwardNotSupportedError(
        op,
        `element ${i} of tensors does not require grad and does not have a gradFn`,
      );
    }
    return e;
  });
  const g0 = rootGrads(op, roots, grads);
  const order = topoOrder(rootNodes);
  const buffer = new Map<Node, Tensor>();
  const targetIndex = new Map<Node, number>();
  targets?.forEach((t, i) => targetIndex.set(t, i));
  const captured: (Tensor | null)[] = (targets ?? []).map(() => null);

  // With targets, nodes that cannot reach one need not run.
  let needed: Set<Node> | null = null;
  if (targets) {
    needed = new Set<Node>();
    for (let i = order.length - 1; i >= 0; i--) {
      const n = order[i];
      if (targetIndex.has(n) || n.next.some((c) => c !== null && needed!.has(c))) needed.add(n);
    }
  }

  // Every pending gradient goes through `put`/`take`, so the handoff knows which are shared.
  const handoff = new GradHandoff();
  const put = (n: Node, g: Tensor) => {
    const prev = buffer.get(n);
    if (prev !== undefined) handoff.drop(prev);
    handoff.hold(g);
    buffer.set(n, g);
  };
  const take = (n: Node): Tensor | undefined => {
    const g = buffer.get(n);
    if (g !== undefined) {
      handoff.drop(g);
      buffer.delete(n);
    }
    return g;
  };
  // Buffers the engine allocated for one node alone may be summed into in place; a gradient that
  // arrived from a rule may be shared (add's rule hands dy to both inputs), so it never is.
  const owned = new Set<Node>();
  // Gradients summed into others, released once the node's rule outputs are all placed (the
  // same tensor may be handed to several nodes).
  const summed: Tensor[] = [];
  const add = (n: Node, g: Tensor) => {
    checkGrad(n, g);
    const prev = buffer.get(n);
    if (prev === undefined) put(n, g);
    else if (!createGraph && owned.has(n)) {
      prev.add_(g);
      summed.push(g);
    } else {
      put(n, prev.add(g));
      if (!createGraph) owned.add(n);
      summed.push(prev, g);
    }
  };
  const releaseSummed = () => {
    if (!createGraph) for (const t of summed) handoff.release(t);
    summed.length = 0;
  };
  // A slice's gradient is dy placed into zeros of the input's shape. When a tensor is read slice
  // by slice (a time loop over a sequence), building that full-size tensor per slice costs
  // O(T^2); instead the slice adds dy into one buffer owned by the input's node.
  const scatter = (node: Node, g: Tensor): boolean => {
    const c = node.next[0];
    if (createGraph || node.scatterGrad === null || c === null) return false;
    let buf = buffer.get(c);
    if (buf === undefined || !owned.has(c)) {
      const fresh = buf === undefined ? zerosOf(c) : buf.contiguous() === buf ? buf.clone() : buf.contiguous();
      put(c, fresh);
      owned.add(c);
      buf = fresh;
    }
    node.scatterGrad(buf, g);
    return true;
  };
  const prevMode = isGradEnabled();
  setGradEnabled(createGraph);
  beginReuse();
  try {
    rootNodes.forEach((n, i) => add(n, g0[i]));
    releaseSummed();
    for (const node of order) {
      let g = take(node);
      if (g !== undefined && (needed === null || needed.has(node))) {
        for (const h of node.hooks) {
          handoff.expose(g);
          g = h(g) ?? g;
          handoff.expose(g);
        }
        if (node.retained) {
          handoff.expose(g);
          node.retained.grad = accumulate(node.retained.grad, g, createGraph);
        }
        const ti = targetIndex.get(node);
        if (ti !== undefined) {
          handoff.expose(g);
          captured[ti] = captured[ti] === null ? g : captured[ti]!.add(g);
        }
        if (node instanceof AccumulateGrad) {
          // grad() leaves .grad alone. A first gradient that nobody else holds becomes .grad as it
          // is (no copy).
          const v = node.variable;
          const asIs = !targets && v.grad === null && !createGraph && handoff.canTake(g, v.dtype);
          if (!targets) v.grad = asIs ? g : accumulate(v.grad, g, createGraph);
        } else {
          if (!scatter(node, g)) {
            if (node.opaque) handoff.expose(g);
            const gs = node.apply(g);
            for (let i = 0; i < node.next.length; i++) {
              const c = node.next[i];
              const gi = gs[i];
              if (c === null || gi === null || gi === undefined) continue;
              if (node.opaque) handoff.expose(gi);
              add(c, gi);
            }
          }
          // The node has consumed its gradient: its memory may serve later allocations.
          summed.push(g);
          releaseSummed();
        }
      }
      if (!retainGraph) node.release();
    }
  } finally {
    endReuse();
    setGradEnabled(prevMode);
  }
  return captured;
}

function zerosOf(n: Node): Tensor {
  return full(n.shape, 0, { dtype: n.dtype });
}

// First gradient: a private copy, so in-place accumulation never writes into a tensor the
// graph or the user also holds. Later ones add in place, unless the sum must carry a graph.
function accumulate(prev: Tensor | null, g: Tensor, createGraph: boolean): Tensor {
  if (prev === null) return createGraph ? g : g.detach().clone();
  if (createGraph || prev.requiresGrad) return prev.add(g);
  return prev.add_(g);
}

/**
 * Computes gradients of `roots` and accumulates them into the `.grad` of every leaf that
 * requires grad. `grads` are the gradients of the roots (default: 1 for a scalar root).
 */
export function backward(
  roots: readonly Tensor[],
  grads?: readonly (Tensor | null | undefined)[],
  opts: BackwardOptions = {},
): void {
  run('backward', roots, grads, opts);
}

/**
 * Functional gradients: the derivatives of `outputs` with respect to `inputs`, returned in
 * order, with no side effect on `.grad`. With `createGraph: true` the results are themselves
 * differentiable, for higher-order derivatives.
 * @example
 * const a = nb.tensor([2], { dtype: 'float64', requiresGrad: true });
 * const [g] = nb.grad(a.pow(3).sum(), [a], { createGraph: true }); // 3a^2 = 12
 * const [h] = nb.grad(g.sum(), [a]);                                // 6a = 12
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  opts: GradOptions & { gradOutputs?: Tensor | readonly (Tensor | null)[] } = {},
): (Tensor | null)[] & Tensor[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? inputs : [inputs as Tensor];
  const gOut =
    opts.gradOutputs === undefined
      ? undefined
      : Array.isArray(opts.gradOutputs)
        ? opts.gradOutputs
        : [opts.gradOutputs as Tensor];
  const targets = ins.map((t, i) => {
    const e = gradEdge(t);
    if (e === null) throw new BackwardNotSupportedError('grad', `input ${i} does not require grad`);
    return e;
  });
  const res = run('grad', outs, gOut, opts, targets);
  return res.map((g, i) => {
    if (g !== null) return g;
    if (!opts.allowUnused) {
      throw new BackwardNotSupportedError(
        'grad',
        `input ${i} appears to not have been used in the graph; pass { allowUnused: true } if this is intended`,
      );
    }
    return opts.materializeGrads ? ins[i].zerosLike() : null;
  }) as (Tensor | null)[] & Tensor[];
}
