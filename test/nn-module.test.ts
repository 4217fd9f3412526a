// nn.Module: discovery and naming of parameters, buffers and children; state dicts with
// PyTorch's key order and error texts; modes, hooks and printing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
const { nn } = nb;

class Affine extends nn.Module {
  weight: nb.nn.Parameter;
  bias: nb.nn.Parameter;
  constructor(inp: number, out: number) {
    super();
    this.weight = new nn.Parameter(nb.ones([out, inp]));
    this.bias = new nn.Parameter(nb.zeros([out]));
  }
  forward(x: nb.Tensor) {
    return x.matmul(this.weight.t()).add(this.bias);
  }
  override extraRepr() {
    return `in_features=${this.weight.shape[1]}, out_features=${this.weight.shape[0]}`;
  }
}

class Norm extends nn.Module {
  weight = new nn.Parameter(nb.ones([3]));
  constructor() {
    super();
    this.registerBuffer('running_mean', nb.zeros([3]));
    this.registerBuffer('num_batches_tracked', nb.tensor(0, { dtype: 'int32' }));
    this.registerBuffer('scratch', nb.zeros([1]), { persistent: false });
  }
  forward(x: nb.Tensor) {
    return x.mul(this.weight);
  }
}

class Net extends nn.Module {
  fc = new Affine(2, 3);
  norm = new Norm();
  blocks = [new Affine(3, 3), new Affine(3, 1)];
  private note = 'not a module';
  forward(x: nb.Tensor) {
    let h = this.norm.call(this.fc.call(x));
    for (const b of this.blocks) h = b.call(h);
    return h;
  }
}

describe('nn.Module', () => {
  test('parameters, buffers and children are found in assignment order with PyTorch names', () => {
    const net = new Net();
    assert.deepEqual(
      net.namedParameters().map(([n]) => n),
      ['fc.weight', 'fc.bias', 'norm.weight', 'blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias'],
    );
    assert.deepEqual(Object.keys(net.stateDict()), [
      'fc.weight',
      'fc.bias',
      'norm.weight',
      'norm.running_mean',
      'norm.num_batches_tracked',
      'blocks.0.weight',
      'blocks.0.bias',
      'blocks.1.weight',
      'blocks.1.bias',
    ]);
    assert.deepEqual(
      net.namedBuffers().map(([n]) => n),
      ['norm.running_mean', 'norm.num_batches_tracked', 'norm.scratch'],
    );
    assert.deepEqual(
      net.namedModules().map(([n]) => n),
      ['', 'fc', 'norm', 'blocks.0', 'blocks.1'],
    );
  });

  test('a shared parameter is listed once', () => {
    const a = new Affine(2, 2);
    const seq = new nn.Sequential(a, a);
    assert.equal(seq.parameters().length, 2);
  });

  test('loadStateDict copies values and checks keys and shapes with PyTorch wording', () => {
    const src = new Net();
    nb.noGrad(() => src.fc.weight.fill_(7));
    const dst = new Net();
    const r = dst.loadStateDict(src.stateDict());
    assert.deepEqual(r, { missingKeys: [], unexpectedKeys: [] });
    assert.deepEqual(dst.fc.weight.tolist(), src.fc.weight.tolist());
    const sd = src.stateDict();
    delete sd['fc.bias'];
    sd['extra'] = nb.zeros([1]);
    assert.throws(
      () => dst.loadStateDict(sd),
      (e: unknown) =>
        e instanceof nb.ShapeError &&
        e.message.includes('Error(s) in loading state_dict for Net') &&
        e.message.includes('Missing key(s) in state_dict: "fc.bias".') &&
        e.message.includes('Unexpected key(s) in state_dict: "extra".'),
    );
    assert.deepEqual(dst.loadStateDict(sd, { strict: false }), { missingKeys: ['fc.bias'], unexpectedKeys: ['extra'] });
    const bad = src.stateDict();
    bad['fc.weight'] = nb.zeros([4, 4]);
    const before = dst.fc.bias.tolist();
    bad['fc.bias'] = nb.full([3], 9);
    assert.throws(
      () => dst.loadStateDict(bad),
      /size mismatch for fc\.weight: copying a param with shape \[4, 4\] from checkpoint, the shape in current model is \[3, 2\]\./,
    );
    // Nothing was half-loaded.
    assert.deepEqual(dst.fc.bias.tolist(), before);
  });

  test('train/eval propagate; zeroGrad clears; requiresGrad_ freezes', () => {
    const net = new Net();
    net.eval();
    assert.ok(net.modules().every((m) => !m.training));
    net.train();
    assert.ok(net.modules().every((m) => m.training));
    net
      .call(nb.ones([4, 2]))
      .sum()
      .backward();
    assert.ok(net.parameters().every((p) => p.grad !== null));
    net.zeroGrad();
    assert.ok(net.parameters().every((p) => p.grad === null));
    net.requiresGrad_(false);
    assert.equal(net.call(nb.ones([1, 2])).requiresGrad, false);
  });

  test('hooks see and replace inputs and outputs', () => {
    const a = new Affine(2, 2);
    const h = a.registerForwardHook((_m, _inp, out) => (out as nb.Tensor).mul(0));
    assert.deepEqual(a.call(nb.ones([1, 2])).tolist(), [[0, 0]]);
    h.remove();
    assert.deepEqual(a.call(nb.ones([1, 2])).tolist(), [[2, 2]]);
    a.registerForwardPreHook((_m, inp) => [(inp[0] as nb.Tensor).mul(2)]);
    assert.deepEqual(a.call(nb.ones([1, 2])).tolist(), [[4, 4]]);
  });

  test('containers: Sequential, ModuleList, ModuleDict', () => {
    const seq = new nn.Sequential(new Affine(2, 3), new Affine(3, 1));
    assert.deepEqual(Object.keys(seq.stateDict()), ['0.weight', '0.bias', '1.weight', '1.bias']);
    assert.deepEqual(seq.call(nb.ones([1, 2])).tolist(), [[6]]);
    assert.equal(seq.length, 2);
    const named = new nn.Sequential({ first: new Affine(2, 2), second: new Affine(2, 1) });
    assert.deepEqual(Object.keys(named.stateDict()), ['first.weight', 'first.bias', 'second.weight', 'second.bias']);
    const list = new nn.ModuleList([new Affine(1, 1)]).append(new Affine(1, 1));
    assert.deepEqual(Object.keys(list.stateDict()), ['0.weight', '0.bias', '1.weight', '1.bias']);
    const dict = new nn.ModuleDict({ a: new Affine(1, 1) });
    assert.ok(dict.has('a'));
    assert.throws(() => dict.get('b'), nb.IndexError);
  });

  test('toString lists modules, last output shapes and parameter counts', () => {
    const seq = new nn.Sequential(new Affine(2, 3), new Affine(3, 1));
    seq.call(nb.ones([5, 2]));
    const s = String(seq);
    assert.match(s, /^Sequential\(\n {2}\(0\): Affine\(in_features=2, out_features=3\) {2}-> \[5, 3\]/);
    assert.match(s, /Total params: 13 \(trainable: 13\)$/);
  });

  test('to(float64) converts parameters and float buffers', () => {
    const n = new Norm().double();
    assert.equal(n.weight.dtype, 'float64');
    assert.ok(n.weight instanceof nn.Parameter);
    assert.equal(n.stateDict()['running_mean'].dtype, 'float64');
    assert.equal(n.stateDict()['num_batches_tracked'].dtype, 'int32');
  });
});
