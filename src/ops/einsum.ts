import { ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { diagonal, matmul } from './linalg.js';
import { checkTensor } from './operands.js';
import { sum } from './reduce.js';
import { permute, reshape } from './shape.js';

// Labels are numbers: a letter is its char code, ellipsis dim k is ELLIPSIS + k, so that sorting
// puts the ellipsis dims first and upper case before lower case, as PyTorch orders an implicit
// output.
const ELLIPSIS = -1000;
const ELL_MARK = -1;
const show = (l: number) => (l < 0 ? '...' : String.fromCharCode(l));
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function fail(message: string): never {
  throw new ValueError('einsum', message);
}

// One term of the equation: its labels, with ELL_MARK where the ellipsis was.
function parseTerm(term: string, start: number, who: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < term.length; i++) {
    const ch = term[i];
    if (ch === '.') {
      if (out.includes(ELL_MARK)) fail(`found '.' for ${who} for which an ellipsis was already found`);
      if (term.slice(i, i + 3) !== '...') fail(`found '.' for ${who} that is not part of any ellipsis`);
      out.push(ELL_MARK);
      i += 2;
    } else if (/^[a-zA-Z]$/.test(ch)) {
      out.push(ch.charCodeAt(0));
    } else {
      fail(`invalid subscript given at index ${start + i} in the equation string, subscripts must be in [a-zA-Z]`);
    }
  }
  return out;
}

interface Term {
  t: Tensor;
  labels: number[];
}

// Takes the diagonal of every label repeated within one operand ('ii' -> 'i').
function takeDiagonals(term: Term): Term {
  let { t, labels } = term;
  for (;;) {
    const q = labels.findIndex((l, i) => labels.indexOf(l) !== i);
    if (q < 0) return { t, labels };
    const p = labels.indexOf(labels[q]);
    const l = labels[p];
    t = diagonal(t, 0, p, q);
    labels = [...labels.filter((_, i) => i !== p && i !== q), l];
  }
}

function sumOut(term: Term, drop: (l: number) => boolean): Term {
  const dims = term.labels.flatMap((l, i) => (drop(l) ? [i] : []));
  if (dims.length === 0) return term;
  return { t: sum(term.t, dims), labels: term.labels.filter((l) => !drop(l)) };
}

// Multiplies two operands and sums their shared labels that are not kept, as one batched
// matrix product: [batch, aOnly, shared] @ [batch, shared, bOnly].
function contract(a: Term, b: Term, keep: ReadonlySet<number>): Term {
  const inB = (l: number) => b.labels.includes(l);
  const batch = a.labels.filter((l) => inB(l) && keep.has(l));
  const shared = a.labels.filter((l) => inB(l) && !keep.has(l));
  const aOnly = a.labels.filter((l) => !inB(l));
  const bOnly = b.labels.filter((l) => !a.labels.includes(l));
  const sizeA = (l: number) => a.t.shape[a.labels.indexOf(l)];
  const sizeB = (l: number) => b.t.shape[b.labels.indexOf(l)];
  // A size-1 dim broadcasts against the other operand's size.
  const both = (l: number) => (sizeA(l) === 1 ? sizeB(l) : sizeA(l));
  const bs = batch.map(both);
  const as = aOnly.map(sizeA);
  const cs = shared.map(both);
  const ns = bOnly.map(sizeB);
  const pa = permute(
    a.t,
    [...batch, ...aOnly, ...shared].map((l) => a.labels.indexOf(l)),
  ).expand([...bs, ...as, ...cs]);
  const pb = permute(
    b.t,
    [...batch, ...shared, ...bOnly].map((l) => b.labels.indexOf(l)),
  ).expand([...bs, ...cs, ...ns]);
  const out = matmul(reshape(pa, [prod(bs), prod(as), prod(cs)]), reshape(pb, [prod(bs), prod(cs), prod(ns)]));
  return { t: reshape(out, [...bs, ...as, ...ns]), labels: [...batch, ...aOnly, ...bOnly] };
}

/**
 * Einstein summation: multiplies the operands along matching subscripts and sums the subscripts
 * missing from the output. Supports repeated subscripts (diagonals), `...` for broadcast batch
 * dims, and an implicit output (no `->`: the subscripts used once, sorted). Built from
 * diagonal, sum, permute and batched matrix products, so it needs no gradient code.
 * @example nb.einsum('bij,bjk->bik', a, b) // batched matrix product
 * @example nb.einsum('ii', m) // trace
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  const ops = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as Tensor[];
  if (typeof equation !== 'string') fail(`expected an equation string, got ${typeof equation}`);
  if (ops.length === 0) fail('must provide at least one operand');
  ops.forEach((t, i) => checkTensor('einsum', t, `operand ${i}`));
  const eq = equation.replace(/\s/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const terms = lhs.split(',');
  if (terms.length < ops.length) fail('more operands were provided than specified in the equation');
  if (terms.length > ops.length) fail('fewer operands were provided than specified in the equation');
  let pos = 0;
  const raw = terms.map((term, i) => {
    const r = parseTerm(term, pos, `operand ${i}`);
    pos += term.length + 1;
    return r;
  });

  // Give each operand's ellipsis dims their labels, right-aligned across operands.
  const ellDims = raw.map((r, i) => {
    const named = r.filter((l) => l !== ELL_MARK).length;
    const nd = ops[i].ndim;
    if (!r.includes(ELL_MARK) && named !== nd) {
      fail(
        `the number of subscripts in the equation (${named}) does not match the number of dimensions (${nd}) for operand ${i} and no ellipsis was given`,
      );
    }
    if (named > nd) {
      fail(
        `the number of subscripts in the equation (${named}) is more than the number of dimensions (${nd}) for operand ${i}`,
      );
    }
    return nd - named;
  });
  const E = Math.max(0, ...ellDims);
  const ellLabels = Array.from({ length: E }, (_, k) => ELLIPSIS + k);
  let items: Term[] = raw.map((r, i) => ({
    t: ops[i],
    labels: r.flatMap((l) => (l === ELL_MARK ? ellLabels.slice(E - ellDims[i]) : [l])),
  }));

  // A subscript repeated within one operand takes a diagonal: its sizes must be equal.
  items.forEach(({ t, labels }, i) =>
    labels.forEach((l, d) => {
      const p = labels.indexOf(l);
      if (p !== d && t.shape[p] !== t.shape[d]) {
        fail(
          `subscript ${show(l)} is repeated for operand ${i} but the sizes don't match, ${t.shape[d]} != ${t.shape[p]}`,
        );
      }
    }),
  );
  // Across operands sizes must agree, or be 1 and broadcast.
  const size = new Map<number, number>();
  items.forEach(({ t, labels }, i) =>
    labels.forEach((l, d) => {
      const s = t.shape[d];
      const seen = size.get(l);
      if (seen === undefined || seen === 1) size.set(l, s);
      else if (s !== 1 && s !== seen) {
        throw new ShapeError(
          'einsum',
          `subscript ${show(l)} has size ${s} for operand ${i} which does not broadcast with previously seen size ${seen}`,
        );
      }
    }),
  );

  let output: number[];
  if (arrow >= 0) {
    output = parseTerm(eq.slice(arrow + 2), arrow + 2, 'the output').flatMap((l) => (l === ELL_MARK ? ellLabels : [l]));
    for (const l of output) {
      if (!size.has(l)) fail(`output subscript ${show(l)} does not appear in the equation for any input operand`);
      if (output.indexOf(l) !== output.lastIndexOf(l))
        fail(`output subscript ${show(l)} appears more than once in the output`);
    }
  } else {
    const count = new Map<number, number>();
    for (const it of items) for (const l of it.labels) count.set(l, (count.get(l) ?? 0) + 1);
    const once = [...count].filter(([l, c]) => c === 1 && l >= 0).map(([l]) => l);
    output = [...ellLabels, ...once.sort((p, q) => p - q)];
  }
  const out = new Set(output);

  items = items.map(takeDiagonals);
  // Sum early every label that only one operand has and the output drops.
  items = items.map((it, i) =>
    sumOut(it, (l) => !out.has(l) && !items.some((o, j) => j !== i && o.labels.includes(l))),
  );
  let acc = items[0];
  for (let k = 1; k < items.length; k++) {
    const keep = new Set(output);
    for (let j = k + 1; j < items.length; j++) for (const l of items[j].labels) keep.add(l);
    acc = contract(acc, items[k], keep);
  }
  acc = sumOut(acc, (l) => !out.has(l));
  return permute(
    acc.t,
    output.map((l) => acc.labels.indexOf(l)),
  );
}
