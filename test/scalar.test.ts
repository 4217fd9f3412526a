// Scalar autograd (scalar.Value, Neuron, Layer, MLP, SGD): each op's derivative against central
// differences, re-running backward, numerically safe sigmoid, deep graphs, XOR training, and
// the same gradients as the tensor engine on the same 2-4-1 network.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';

const { Value, MLP, Neuron, Layer, SGD } = nb.scalar;
type Value = nb.scalar.Value;

const close = (a: number, b: number, tol: number, what = '') =>
  assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);

// d f / d x at x0 by central differences (f64, h = 1e-6).
function numeric(f: (x: number) => number, x0: number, h = 1e-6): number {
  return (f(x0 + h) - f(x0 - h)) / (2 * h);
}

describe('Value ops', () => {
  const unary: [string, (v: Value) => Value, (x: number) => number, number][] = [
    ['exp', (v) => v.exp(), Math.exp, 0.7],
    ['log', (v) => v.log(), Math.log, 1.3],
    ['tanh', (v) => v.tanh(), Math.tanh, 0.4],
    ['relu+', (v) => v.relu(), (x) => Math.max(0, x), 0.8],
    ['relu-', (v) => v.relu(), (x) => Math.max(0, x), -0.8],
    ['sigmoid', (v) => v.sigmoid(), (x) => 1 / (1 + Math.exp(-x)), -0.6],
    ['neg', (v) => v.neg(), (x) => -x, 0.3],
    ['pow 3', (v) => v.pow(3), (x) => x ** 3, -1.2],
    ['pow -0.5', (v) => v.pow(-0.5), (x) => x ** -0.5, 2.5],
  ];
  for (const [name, f, ref, x0] of unary) {
    test(`${name}: value and derivative (central differences)`, () => {
      const x = new Value(x0);
      const y = f(x);
      close(y.data, ref(x0), 1e-15, 'value');
      y.backward();
      close(x.grad, numeric(ref, x0), 1e-7, 'grad');
    });
  }

  const binary: [string, (a: Value, b: Value) => Value, (a: number, b: number) => number][] = [
    ['add', (a, b) => a.add(b), (a, b) => a + b],
    ['sub', (a, b) => a.sub(b), (a, b) => a - b],
    ['mul', (a, b) => a.mul(b), (a, b) => a * b],
    ['div', (a, b) => a.div(b), (a, b) => a / b],
    ['pow (Value exponent)', (a, b) => a.pow(b), (a, b) => a ** b],
  ];
  for (const [name, f, ref] of binary) {
    test(`${name}: both derivatives (central differences)`, () => {
      const [a0, b0] = [1.7, -0.9];
      const a = new Value(a0);
      const b = new Value(b0);
      const y = f(a, b);
      close(y.data, ref(a0, b0), 1e-15, 'value');
      y.backward();
      close(
        a.grad,
        numeric((t) => ref(t, b0), a0),
        1e-7,
        'da',
      );
      close(
        b.grad,
        numeric((t) => ref(a0, t), b0),
        1e-7,
        'db',
      );
    });
  }

  test('numbers are accepted on the right and wrapped as constants', () => {
    const x = new Value(3);
    const y = x.mul(2).add(1).sub(0.5).div(4); // (2x + 0.5) / 4, dy/dx = 0.5
    assert.equal(y.data, 1.625);
    y.backward();
    assert.equal(x.grad, 0.5);
  });

  test('a value used twice gets both contributions (x * x)', () => {
    const x = new Value(-3);
    const y = x.mul(x);
    y.backward();
    assert.equal(x.grad, -6); // d x^2 = 2x
  });

  test('pow by 0 has derivative 0 even at 0, and 0^b gets no exponent gradient', () => {
    const a = new Value(0);
    a.pow(0).backward();
    assert.equal(a.grad, 0);
    const b = new Value(2);
    const z = new Value(0);
    z.pow(b).backward();
    assert.equal(b.grad, 0); // PyTorch masks a^b ln a at a = 0, b >= 0
  });

  test('sigmoid is finite for huge inputs, with gradient 0 in the tails', () => {
    for (const x0 of [1000, -1000, 800, -800]) {
      const x = new Value(x0);
      const y = x.sigmoid();
      assert.ok(Number.isFinite(y.data), `sigmoid(${x0}) = ${y.data}`);
      y.backward();
      assert.ok(Number.isFinite(x.grad));
      assert.equal(x.grad, 0);
    }
    assert.equal(new Value(1000).sigmoid().data, 1);
    assert.equal(new Value(-1000).sigmoid().data, 0);
    // Same value as the textbook formula where that one is fine (float64): 1 / (1 + e^-2).
    assert.equal(new Value(2).sigmoid().data, 1 / (1 + Math.exp(-2)));
  });

  test('bad operands are refused with the op named', () => {
    assert.throws(
      () => new Value(1).add('2' as unknown as number),
      (e: unknown) => e instanceof nb.DTypeError && /Value\.add/.test(e.message) && /string/.test(e.message),
    );
  });
});

describe('Value.backward', () => {
  const graph = () => {
    const a = new Value(0.5);
    const b = new Value(-1.5);
    const c = a
      .mul(b)
      .add(a.tanh())
      .sub(b.exp().div(a.add(2)));
    return { a, b, out: c.pow(2) };
  };

  test('can run again: zeroed leaves give the same gradients, unzeroed ones add up', () => {
    const { a, b, out } = graph();
    out.backward();
    const first = [a.grad, b.grad];
    a.grad = 0;
    b.grad = 0;
    out.backward();
    assert.deepEqual([a.grad, b.grad], first);
    out.backward();
    assert.deepEqual([a.grad, b.grad], [2 * first[0], 2 * first[1]]);
  });

  test('intermediate values hold this pass gradient, not a sum over passes', () => {
    const x = new Value(2);
    const h = x.mul(3);
    const y = h.mul(h); // dy/dh = 2h = 12
    y.backward();
    y.backward();
    assert.equal(h.grad, 12);
    assert.equal(x.grad, 72); // 36 per pass, accumulated twice
  });

  test('a graph 200,000 ops deep backpropagates without overflowing the stack', () => {
    const x = new Value(1);
    let y: Value = x;
    for (let i = 0; i < 200_000; i++) y = y.add(1e-6);
    y.backward();
    assert.equal(x.grad, 1);
  });

  test('topo lists every value once, each before its operands', () => {
    const { out } = graph();
    const order = out.topo();
    assert.equal(new Set(order).size, order.length);
    const pos = new Map(order.map((v, i) => [v, i]));
    for (const v of order) for (const p of v.prev) assert.ok(pos.get(p)! > pos.get(v)!);
  });

  test('matches the tensor engine on an expression using every op (float64, 1e-12)', () => {
    const a0 = 0.8;
    const b0 = 1.3;
    const a = new Value(a0);
    const b = new Value(b0);
    const s = a
      .mul(b)
      .add(a.div(b))
      .sub(b.log())
      .add(a.exp().tanh())
      .add(a.sub(b).relu())
      .add(b.neg().sigmoid())
      .add(a.pow(b))
      .add(b.pow(3));
    s.backward();
    const ta = nb.tensor(a0, { dtype: 'float64', requiresGrad: true });
    const tb = nb.tensor(b0, { dtype: 'float64', requiresGrad: true });
    const ts = ta
      .mul(tb)
      .add(ta.div(tb))
      .sub(tb.log())
      .add(ta.exp().tanh())
      .add(ta.sub(tb).relu())
      .add(tb.neg().sigmoid())
      .add(ta.pow(tb))
      .add(tb.pow(3));
    ts.backward();
    close(s.data, ts.item() as number, 1e-12, 'value');
    close(a.grad, ta.grad!.item() as number, 1e-12, 'da');
    close(b.grad, tb.grad!.item() as number, 1e-12, 'db');
  });
});

describe('Neuron, Layer, MLP', () => {
  test('the acceptance snippet: tanh MLP, backward fills parameter grads, data is updatable', () => {
    const mlp = new MLP(2, [4, 1]);
    const p = mlp.call([new Value(0), new Value(1)])[0];
    p.sub(1).pow(2).backward();
    const params = mlp.parameters();
    assert.equal(params.length, 4 * 3 + 1 * 5); // (2 weights + bias) x 4, (4 weights + bias) x 1
    assert.ok(params.some((q) => q.grad !== 0));
    params[0].data -= 0.1 * params[0].grad;
    mlp.zeroGrad();
    assert.ok(params.every((q) => q.grad === 0));
  });

  test('layer sizes, activations and seeded weights in U(-1, 1)', () => {
    const g = new nb.Generator(3);
    const mlp = new MLP(3, [5, 2], { generator: g });
    assert.deepEqual(
      mlp.layers.map((l) => [l.neurons.length, l.neurons[0].w.length, l.neurons[0].nonlin]),
      [
        [5, 3, 'tanh'],
        [2, 5, 'tanh'],
      ],
    );
    for (const p of mlp.parameters()) assert.ok(p.data >= -1 && p.data < 1);
    assert.ok(mlp.layers.flatMap((l) => l.neurons.map((n) => n.b.data)).every((b) => b === 0));
    const again = new MLP(3, [5, 2], { generator: new nb.Generator(3) });
    assert.deepEqual(
      again.parameters().map((p) => p.data),
      mlp.parameters().map((p) => p.data),
    );
    const linearOut = new MLP(2, [3, 1], { outputActivation: 'linear', activation: 'relu' });
    assert.deepEqual(
      linearOut.layers.map((l) => l.neurons[0].nonlin),
      ['relu', 'linear'],
    );
  });

  test('a neuron computes act(b + w . x)', () => {
    const n = new Neuron(2, { nonlin: 'sigmoid' });
    n.w[0].data = 0.5;
    n.w[1].data = -2;
    n.b.data = 0.25;
    const y = n.call([2, 1]); // 0.25 + 1 - 2 = -0.75
    close(y.data, 1 / (1 + Math.exp(0.75)), 1e-15, 'sigmoid(-0.75)');
    assert.equal(new Layer(2, 3).call([1, 2]).length, 3);
  });

  test('bad sizes and activations are refused', () => {
    assert.throws(
      () => new Neuron(0),
      (e: unknown) => e instanceof nb.ValueError && /nin/.test(e.message),
    );
    assert.throws(
      () => new MLP(2, [3], { activation: 'gelu' as 'tanh' }),
      (e: unknown) => e instanceof nb.ValueError && /"gelu"/.test(e.message),
    );
    assert.throws(
      () => new Neuron(3).call([1, 2]),
      (e: unknown) => e instanceof nb.ValueError && /expected 3 inputs, got 2/.test(e.message),
    );
    assert.throws(() => new SGD([], { lr: -1 }), /Invalid learning rate: -1/);
  });

  test('2-4-1 MLP: the same outputs and gradients as nn.Linear + tanh in float64 (1e-12)', () => {
    const mlp = new MLP(2, [4, 1], { generator: new nb.Generator(7) });
    const xs = [
      [0.3, -1.2],
      [1.5, 0.4],
      [-0.7, 0.9],
    ];
    const ys = [0.5, -0.25, 1];
    // Same weights into two double-precision Linear layers (weight [out, in], bias [out]).
    const lins = mlp.layers.map((l) => {
      const lin = new nb.nn.Linear(l.neurons[0].w.length, l.neurons.length, { dtype: 'float64' });
      nb.noGrad(() => {
        lin.weight.copy_(
          nb.tensor(
            l.neurons.map((n) => n.w.map((w) => w.data)),
            { dtype: 'float64' },
          ),
        );
        lin.bias!.copy_(
          nb.tensor(
            l.neurons.map((n) => n.b.data),
            { dtype: 'float64' },
          ),
        );
      });
      return lin;
    });
    let loss = new Value(0);
    for (let i = 0; i < xs.length; i++) loss = loss.add(mlp.call(xs[i])[0].sub(ys[i]).pow(2));
    loss.backward();
    const x = nb.tensor(xs, { dtype: 'float64' });
    const out = lins[1].call(lins[0].call(x).tanh()).tanh();
    const tloss = out
      .squeeze(1)
      .sub(nb.tensor(ys, { dtype: 'float64' }))
      .pow(2)
      .sum();
    tloss.backward();
    close(loss.data, tloss.item() as number, 1e-12, 'loss');
    mlp.layers.forEach((l, li) => {
      const gw = lins[li].weight.grad!.tolist() as number[][];
      const gb = lins[li].bias!.grad!.tolist() as number[];
      l.neurons.forEach((n, j) => {
        n.w.forEach((w, k) => close(w.grad, gw[j][k], 1e-12, `layer ${li} w[${j}][${k}]`));
        close(n.b.grad, gb[j], 1e-12, `layer ${li} b[${j}]`);
      });
    });
  });

  test('XOR: a 2-4-1 tanh MLP trained with SGD reaches a summed squared error below 0.01', () => {
    const mlp = new MLP(2, [4, 1], { generator: new nb.Generator(1) });
    const opt = new SGD(mlp.parameters(), { lr: 0.1 });
    const xs = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ];
    const ys = [0, 1, 1, 0];
    let last = Infinity;
    for (let epoch = 0; epoch < 2000 && last >= 0.01; epoch++) {
      const loss = nb.scalar.sum(xs.map((x, i) => mlp.call(x)[0].sub(ys[i]).pow(2)));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      last = loss.data;
    }
    assert.ok(last < 0.01, `final loss ${last}`);
    const preds = xs.map((x) => mlp.call(x)[0].data);
    preds.forEach((p, i) => assert.ok(Math.abs(p - ys[i]) < 0.1, `XOR(${xs[i]}) = ${p}`));
  });
});
