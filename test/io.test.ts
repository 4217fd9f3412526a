// Model files: safetensors bytes (against the reference crate's own test vectors and a
// Python-written fixture), corrupt-file refusal, atomic writes, JSON, and checkpoint resume.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, describe, mock, test } from 'node:test';
import * as nb from '../src/index.js';
import { nn, type Tensor } from '../src/index.js';
import { io } from '../src/node/index.js';
import { decodeElements, toLittleEndian } from '../src/io/bytes.js';

const FIX = new URL('./fixtures/io/', import.meta.url);
const fixture = (name: string) => new Uint8Array(fs.readFileSync(new URL(name, FIX)));
const dirs: string[] = [];
const tmpDir = () => {
  dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'nabla-io-')));
  return dirs[dirs.length - 1];
};
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Same dtype, shape and bit-identical values (NaN equals NaN, -0 differs from 0). */
function assertSame(a: Tensor, b: Tensor, what = ''): void {
  assert.equal(a.dtype, b.dtype, `${what} dtype`);
  assert.deepEqual([...a.shape], [...b.shape], `${what} shape`);
  const x = a.data();
  const y = b.data();
  for (let i = 0; i < x.length; i++) assert.ok(Object.is(x[i], y[i]), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
}

/** Asserts a ValueError whose message matches every pattern. */
function refuses(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof nb.ValueError, `expected ValueError, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

/** A safetensors file from a header (object or raw text) and data bytes; `len` overrides N. */
function craft(header: object | string | Uint8Array, data: number[] | Uint8Array = [], len?: number): Uint8Array {
  const h =
    header instanceof Uint8Array
      ? header
      : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(len ?? h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function bytesOf(header: string, headerLen: number, data: number[]): number[] {
  const h = [...new TextEncoder().encode(header)];
  const lenBytes = [headerLen, 0, 0, 0, 0, 0, 0, 0];
  return [...lenBytes, ...h, ...Array(headerLen - h.length).fill(32), ...data];
}

describe('safetensors encoding', () => {
  // Expected bytes: huggingface/safetensors, safetensors/src/tensor.rs, tests test_serialization,
  // test_serialization_forced_alignement and test_empty (written there as byte arrays).
  const f32 = [0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64];
  test('matches the reference crate test vectors byte for byte', () => {
    const t = nb.tensor([0, 1, 2, 3, 4, 5]);
    assert.deepEqual(
      [...io.encode({ 'attn.0': t.reshape([1, 2, 3]) })],
      bytesOf('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}', 64, f32),
    );
    assert.deepEqual(
      [...io.encode({ attn0: t.reshape([1, 1, 2, 3]) })],
      bytesOf('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}', 72, f32),
    );
    assert.deepEqual([...io.encode({})], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    assert.deepEqual(
      [...io.encode({}, { metadata: { framework: 'pt' } })],
      bytesOf('{"__metadata__":{"framework":"pt"}}', 40, []),
    );
  });

  test('round-trips every dtype exactly, including special values, 0-d and size-0 tensors', () => {
    const sd: Record<string, Tensor> = {
      f32: nb.tensor(new Float32Array([0.1, -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38])),
      f64: nb.tensor(new Float64Array([Math.PI, -0, NaN, 5e-324, -1.7976931348623157e308])),
      i32: nb.tensor(new Int32Array([-2147483648, 2147483647, 0, -1])),
      bool: nb.tensor([true, false, true]),
      scalar: nb.tensor(2.5, { dtype: 'float64' }),
      scalarInt: nb.tensor(7, { dtype: 'int32' }),
      scalarBool: nb.tensor(false),
      empty: nb.zeros([0, 3]),
      emptyInt: nb.zeros([2, 0], { dtype: 'int32' }),
      emptyBool: nb.zeros([0], { dtype: 'bool' }),
    };
    const { tensors, metadata } = io.decode(io.encode(sd, { metadata: { note: 'héllo\n"quoted"' } }));
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(sd).sort());
    for (const k of Object.keys(sd)) assertSame(tensors[k], sd[k], k);
    assert.deepEqual(metadata, { note: 'héllo\n"quoted"' });
  });

  test('writes strided inputs contiguously and drops autograd state', () => {
    const base = nb.arange(24, { dtype: 'float64' }).reshape([2, 3, 4]);
    const views = {
      transposed: base.transpose(0, 2),
      narrowed: base.narrow(2, 1, 2),
      expanded: nb.tensor([1, 2, 3], { dtype: 'int32' }).expand([2, 3]),
      offsetView: base.select(0, 1),
      grad: nb.ones([2], { requiresGrad: true }).mul(3),
    };
    const { tensors } = io.decode(io.encode(views));
    for (const [k, v] of Object.entries(views)) {
      assert.deepEqual(tensors[k].tolist(), v.tolist(), k);
      assert.ok(tensors[k].isContiguous() && !tensors[k].requiresGrad, k);
    }
  });

  test('orders tensors as the reference writer does (dtype alignment, then code points)', () => {
    const bytes = io.encode({
      b: nb.tensor([1]),
      a: nb.tensor([true]),
      z: nb.tensor([1], { dtype: 'float64' }),
      '\uff21': nb.tensor([1]),
      '\u{1f600}': nb.tensor([1]),
    });
    assert.deepEqual(
      io.decodeHeader(bytes).entries.map((e) => e.name),
      ['z', 'b', '\uff21', '\u{1f600}', 'a'],
    );
  });

  test('refuses what it cannot write faithfully', () => {
    assert.throws(
      () => io.encode({ x: [1, 2] as unknown as Tensor }),
      (e: unknown) => e instanceof nb.DTypeError && /"x" to be a Tensor/.test(e.message),
    );
    refuses(() => io.encode({ __metadata__: nb.zeros([1]) }), /reserved/);
    refuses(() => io.encode({ ['bad\ud800']: nb.zeros([1]) }), /lone surrogate/);
    assert.throws(() => io.encode({}, { metadata: { n: 3 as unknown as string } }), /metadata values to be strings/);
  });

  test('the DataView paths used on big-endian hosts give the same values', () => {
    const f = new Float64Array([1.5, -0, NaN, 1e-310]);
    const i = new Int32Array([-5, 2147483647]);
    assert.deepEqual([...toLittleEndian(f, false)], [...toLittleEndian(f, true)]);
    assert.deepEqual([...toLittleEndian(i, false)], [...toLittleEndian(i, true)]);
    const raw = toLittleEndian(f, true);
    assert.deepEqual([...decodeElements(raw, 'F64', 4, false)], [...decodeElements(raw, 'F64', 4, true)]);
    const ri = toLittleEndian(i, true);
    assert.deepEqual([...decodeElements(ri, 'I32', 2, false)], [-5, 2147483647]);
    const rf = toLittleEndian(new Float32Array([0.25, -3]), true);
    assert.deepEqual([...decodeElements(rf, 'F32', 2, false)], [0.25, -3]);
  });
});

describe('safetensors written by Python (tools/safetensors_fixture.py)', () => {
  const sidecar = JSON.parse(fs.readFileSync(new URL('reference.json', FIX), 'utf8')) as {
    files: Record<string, Record<string, { dtype: string; shape: number[]; values: (number | string)[] }>>;
  };
  const special = (v: number | string) =>
    v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : (v as number);
  const nablaDType: Record<string, nb.DType> = {
    F64: 'float64',
    BOOL: 'bool',
    I32: 'int32',
    F32: 'float32',
    F16: 'float32',
    BF16: 'float32',
  };

  for (const file of ['reference.safetensors', 'reference_writable.safetensors']) {
    test(`${file} loads with the values numpy wrote`, () => {
      const loaded = io.loadWithMetadata(new URL(file, FIX).pathname);
      const expected = sidecar.files[file];
      assert.deepEqual(Object.keys(loaded.tensors).sort(), Object.keys(expected).sort());
      for (const [k, e] of Object.entries(expected)) {
        const t = loaded.tensors[k];
        assert.equal(t.dtype, nablaDType[e.dtype] ?? 'int32', k);
        assert.deepEqual([...t.shape], e.shape, k);
        const got = [...t.data()];
        const want = e.values.map(special);
        assert.equal(got.length, want.length, k);
        want.forEach((w, i) => assert.ok(Object.is(got[i], w), `${k}[${i}]: ${got[i]} vs ${w}`));
      }
      assert.deepEqual(loaded.metadata, file === 'reference.safetensors' ? { format: 'pt' } : { epoch: '3' });
    });
  }

  test('encoding the same tensors reproduces the Python file byte for byte', () => {
    const bytes = fixture('reference_writable.safetensors');
    const spec = sidecar.files['reference_writable.safetensors'];
    const tensors: Record<string, Tensor> = {};
    for (const [k, e] of Object.entries(spec)) {
      tensors[k] = nb.tensor(e.values.map(special), { dtype: nablaDType[e.dtype] }).reshape(e.shape);
    }
    assert.deepEqual(io.encode(tensors, { metadata: { epoch: '3' } }), bytes);
    const round = io.decode(bytes);
    assert.deepEqual(io.encode(round.tensors, { metadata: round.metadata }), bytes);
  });
});

describe('safetensors refusal of corrupt files', () => {
  const good = io.encode({ a: nb.tensor([1, 2, 3, 4]), b: nb.tensor([5, 6], { dtype: 'int32' }) });
  const entry = (dtype: string, shape: number[], offsets: number[]) => ({ dtype, shape, data_offsets: offsets });

  test('a truncated file, cut anywhere, is refused with what is missing', () => {
    refuses(() => io.decode(good.subarray(0, 5)), /io\.decode/, /at least 8 bytes/, /got 5 bytes/);
    refuses(() => io.decode(good.subarray(0, 40)), /header length \d+ runs past the end/, /truncated/);
    refuses(
      () => io.decode(good.subarray(0, good.length - 3)),
      /tensor "b" ends at data byte 24, but the data section has 21 bytes/,
      /truncated/,
    );
    for (let n = 0; n < good.length; n++) assert.throws(() => io.decode(good.subarray(0, n)), nb.ValueError);
  });

  test('a header length larger than the file or than 100 MB is refused', () => {
    refuses(
      () => io.decode(craft('{}', [], 1000)),
      /header length 1000 runs past the end of the file \(2 bytes follow/,
    );
    refuses(() => io.decode(craft('{}', [], 2 ** 40)), /at most 100000000 bytes, got a header length of 1099511627776/);
  });

  test('a header that lies about sizes is refused', () => {
    refuses(
      () => io.decode(craft({ a: entry('F32', [2, 3], [0, 20]) }, Array(20).fill(0))),
      /tensor "a": expected 24 bytes for F32 of shape \[2, 3\], got data_offsets \[0, 20\] \(20 bytes\)/,
    );
    refuses(
      () => io.decode(craft({ a: entry('F32', [2], [0, 8]) }, Array(12).fill(0))),
      /expected the data section to end at byte 8, got 4 trailing bytes/,
    );
    refuses(
      () => io.decode(craft({ a: entry('F32', [1], [4, 8]) }, Array(8).fill(0))),
      /data bytes \[0, 4\) belong to no tensor/,
    );
    refuses(() => io.decode(craft({ a: entry('F32', [-1], [0, 0]) })), /shape of non-negative integers, got \[-1\]/);
    refuses(() => io.decode(craft({ a: entry('F32', [1.5], [0, 4]) }, [0, 0, 0, 0])), /non-negative integers/);
    refuses(() => io.decode(craft({ a: entry('F32', [1], [4, 0]) })), /0 <= begin <= end, got \[4,0\]/);
  });

  test('overlapping offsets are refused, naming both tensors', () => {
    const h = { a: entry('F32', [2], [0, 8]), b: entry('F32', [2], [4, 12]) };
    refuses(() => io.decode(craft(h, Array(12).fill(0))), /tensors "a" \[0, 8\) and "b" \[4, 12\) overlap/);
  });

  test('unknown and unsupported dtypes are refused', () => {
    refuses(
      () => io.decode(craft({ a: entry('F33', [1], [0, 4]) }, [0, 0, 0, 0])),
      /tensor "a": unknown dtype "F33"/,
      /nabla reads F64, F32/,
    );
    refuses(() => io.decode(craft({ a: entry('F8_E4M3', [1], [0, 1]) }, [0])), /unsupported dtype "F8_E4M3"/);
  });

  test('bad JSON, bad UTF-8 and a non-object header are refused', () => {
    refuses(() => io.decode(craft('{"a": {"dtype": "F32",')), /expected a JSON header, got invalid JSON/);
    refuses(() => io.decode(craft(new Uint8Array([123, 0xff, 125]))), /UTF-8/);
    refuses(() => io.decode(craft('[1, 2]')), /start with "\{"/);
    refuses(
      () => io.decode(craft({ __metadata__: { a: 1 } })),
      /"__metadata__" values to be strings, got number for "a"/,
    );
    refuses(() => io.decode(craft({ a: 'x' })), /tensor "a": expected an object with dtype, shape and data_offsets/);
  });

  test('values nabla cannot hold are refused, not wrapped', () => {
    const i64 = new Uint8Array(new BigInt64Array([1n, 2n ** 31n]).buffer);
    refuses(
      () => io.decode(craft({ big: entry('I64', [2], [0, 16]) }, i64)),
      /tensor "big": expected I64 values that fit in int32, got 2147483648 at flat index 1/,
    );
    refuses(
      () => io.decode(craft({ m: entry('BOOL', [2], [0, 2]) }, [1, 2])),
      /expected bool values of 0 or 1, got byte 2 at flat index 1/,
    );
  });

  test('io.load names the file, returns nothing, and leaves a model untouched', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'bad.safetensors');
    fs.writeFileSync(file, good.subarray(0, good.length - 1));
    refuses(() => io.load(file), /^io\.load: invalid safetensors file ".*bad\.safetensors": /, /truncated/);

    class Net extends nn.Module {
      w = new nn.Parameter(nb.ones([2, 2]));
      forward(x: Tensor) {
        return x.matmul(this.w);
      }
    }
    const net = new Net();
    io.save({ w: nb.zeros([3, 2]) }, file);
    assert.throws(() => net.loadStateDict(io.load(file)), /size mismatch for w/);
    assert.deepEqual(net.w.tolist(), [
      [1, 1],
      [1, 1],
    ]);
  });
});

describe('files on disk', () => {
  afterEach(() => mock.restoreAll());

  test('save and load round-trip into a model', () => {
    const file = path.join(tmpDir(), 'model.safetensors');
    const src = new nn.Sequential(new nn.Linear(3, 4), new nn.Linear(4, 2));
    const dst = new nn.Sequential(new nn.Linear(3, 4), new nn.Linear(4, 2));
    io.save(src.stateDict(), file, { metadata: { epoch: '7' } });
    const loaded = io.load(file);
    assert.equal(Object.getPrototypeOf(loaded), Object.prototype);
    dst.loadStateDict(loaded);
    for (const [k, t] of Object.entries(src.stateDict())) assertSame(dst.stateDict()[k], t, k);
    assert.deepEqual(io.loadWithMetadata(file).metadata, { epoch: '7' });
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['model.safetensors']);
  });

  const interruptions: [string, () => void][] = [
    [
      'the rename fails',
      () =>
        mock.method(fs, 'renameSync', () => {
          throw Object.assign(new Error('EXDEV: simulated'), { code: 'EXDEV' });
        }),
    ],
    [
      'the write stops half way',
      () => {
        const real = fs.writeSync;
        mock.method(fs, 'writeSync', (fd: number, buf: Uint8Array, off: number, len: number) => {
          real(fd, buf, off, Math.min(len, 10));
          throw new Error('ENOSPC: simulated');
        });
      },
    ],
    [
      'fsync fails',
      () =>
        mock.method(fs, 'fsyncSync', () => {
          throw new Error('EIO: simulated');
        }),
    ],
  ];
  for (const [what, inject] of interruptions) {
    test(`an interrupted save (${what}) keeps the previous file and leaves no temp file`, () => {
      const dir = tmpDir();
      const file = path.join(dir, 'model.safetensors');
      io.save({ w: nb.tensor([1, 2, 3]) }, file);
      const before = fs.readFileSync(file);
      inject();
      assert.throws(
        () => io.save({ w: nb.tensor([9, 9, 9, 9]) }, file),
        (e: unknown) =>
          e instanceof Error && /^io\.save: could not write .* \(previous contents kept\): .*simulated/.test(e.message),
      );
      mock.restoreAll();
      assert.deepEqual(fs.readFileSync(file), before);
      assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
      assert.deepEqual(io.load(file).w.tolist(), [1, 2, 3]);
    });
  }

  test('saving into a missing directory fails without creating anything', () => {
    const dir = tmpDir();
    assert.throws(
      () => io.save({ w: nb.zeros([1]) }, path.join(dir, 'nope', 'm.safetensors')),
      /io\.save: could not write/,
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});

describe('JSON export and import', () => {
  const sd = {
    'fc.weight': nb.tensor([[0.1, -0.25, 1e-8]]),
    'fc.bias': nb.tensor(new Float32Array([NaN, -Infinity, -0])),
    precise: nb.tensor(new Float64Array([0.1, Math.PI, Infinity])),
    count: nb.tensor(3, { dtype: 'int32' }),
    mask: nb.tensor([true, false]),
    empty: nb.zeros([0, 2]),
    strided: nb.arange(6).reshape([2, 3]).transpose(0, 1),
  };

  test('round-trips a state dict exactly and stays readable', () => {
    const text = io.toJson(sd, { metadata: { source: 'test' } });
    assert.match(text, /"fc\.weight": \{"dtype":"float32","shape":\[1,3\],"data":\[0\.1,-0\.25,1e-8\]\}/); // shortest float32 digits
    assert.match(text, /"data":\["NaN","-Infinity","-0"\]/);
    const { tensors, metadata } = io.fromJson(text);
    for (const [k, t] of Object.entries(sd)) assertSame(tensors[k], t, k);
    assert.deepEqual(metadata, { source: 'test' });
  });

  test('round-trips a list of tensors, and saveJson/loadJson work on files', () => {
    const list = Object.values(sd);
    io.listFromJson(io.listToJson(list)).forEach((t, i) => assertSame(t, list[i], `list[${i}]`));
    const dir = tmpDir();
    io.saveJson(sd, path.join(dir, 'sd.json'));
    io.saveJson(list, path.join(dir, 'list.json'));
    for (const [k, t] of Object.entries(io.loadJson(path.join(dir, 'sd.json'))))
      assertSame(t, sd[k as keyof typeof sd], k);
    io.loadJsonList(path.join(dir, 'list.json')).forEach((t, i) => assertSame(t, list[i], `file list[${i}]`));
    assert.deepEqual(io.tensorToJson(nb.tensor([[1, 2]])), { dtype: 'float32', shape: [1, 2], data: [1, 2] });
    assertSame(io.tensorFromJson({ dtype: 'int32', shape: [2], data: [1, 2] }), nb.tensor([1, 2], { dtype: 'int32' }));
  });

  test('malformed JSON is refused with the tensor and the problem', () => {
    refuses(
      () => io.fromJson('{"w": {"dtype": "float16", "shape": [1], "data": [1]}}'),
      /tensor "w": expected dtype float32, float64, int32 or bool, got "float16"/,
    );
    refuses(
      () => io.fromJson('{"w": {"dtype": "float32", "shape": [2, 2], "data": [1, 2, 3]}}'),
      /expected a flat data array of 4 values for shape \[2, 2\], got 3 values/,
    );
    refuses(
      () => io.fromJson('{"w": {"dtype": "int32", "shape": [1], "data": [3000000000]}}'),
      /expected int32 values, got 3000000000 at data index 0/,
    );
    refuses(
      () => io.fromJson('{"w": {"dtype": "float32", "shape": [1], "data": ["nan"]}}'),
      /got "nan" at data index 0/,
    );
    refuses(() => io.fromJson('[]'), /use io\.listFromJson/);
    refuses(() => io.listFromJson('{}'), /use io\.fromJson/);
    refuses(() => io.fromJson('{"w": '), /expected valid JSON/);
    const file = path.join(tmpDir(), 'bad.json');
    fs.writeFileSync(file, '{"w": {"dtype": "bool", "shape": [1], "data": [2]}}');
    refuses(() => io.loadJson(file), /io\.fromJson: tensor "w" in ".*bad\.json": expected bool values, got 2/);
  });
});

// ---- checkpoints ------------------------------------------------------------------------------

class Tiny extends nn.Module {
  w: nn.Parameter;
  b: nn.Parameter;
  constructor(inF = 3) {
    super();
    this.w = new nn.Parameter(nb.randn([inF, 2], { dtype: 'float64' }));
    this.b = new nn.Parameter(nb.zeros([2], { dtype: 'float64' }));
    this.registerBuffer('seen', nb.zeros([], { dtype: 'int32' }));
  }
  forward(x: Tensor): Tensor {
    return x.matmul(this.w).add(this.b);
  }
}

/** SGD with momentum, with PyTorch's state-dict layout (a stand-in for any optimizer). */
class MomentumSGD {
  state = new Map<Tensor, { momentum_buffer: Tensor; steps: number }>();
  constructor(
    public params: Tensor[],
    public lr: number,
    public momentum = 0.9,
  ) {}
  step(): void {
    nb.noGrad(() => {
      for (const p of this.params) {
        const s = this.state.get(p) ?? { momentum_buffer: nb.zerosLike(p), steps: 0 };
        s.momentum_buffer = s.momentum_buffer.mul(this.momentum).add(p.grad!);
        s.steps++;
        this.state.set(p, s);
        p.sub_(s.momentum_buffer.mul(this.lr));
      }
    });
  }
  stateDict() {
    const state: Record<number, unknown> = {};
    this.params.forEach((p, i) => {
      const s = this.state.get(p);
      if (s) state[i] = { ...s };
    });
    return { state, param_groups: [{ lr: this.lr, momentum: this.momentum, params: this.params.map((_, i) => i) }] };
  }
  loadStateDict(sd: unknown): void {
    const { state, param_groups } = sd as {
      state: Record<string, { momentum_buffer: Tensor; steps: number }>;
      param_groups: { lr: number; momentum: number; params: number[] }[];
    };
    if (param_groups[0].params.length !== this.params.length)
      throw new nb.ValueError(
        'loadStateDict',
        "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
      );
    this.lr = param_groups[0].lr;
    this.momentum = param_groups[0].momentum;
    this.state = new Map(
      Object.entries(state).map(([i, s]) => [
        this.params[Number(i)],
        { momentum_buffer: s.momentum_buffer.clone(), steps: s.steps },
      ]),
    );
  }
}

/** Halves the optimizer's learning rate every `every` epochs. */
class Halver {
  lastEpoch = 0;
  constructor(
    public opt: MomentumSGD,
    public every: number,
  ) {}
  step(): void {
    if (++this.lastEpoch % this.every === 0) this.opt.lr /= 2;
  }
  stateDict() {
    return { last_epoch: this.lastEpoch, every: this.every };
  }
  loadStateDict(sd: unknown): void {
    this.lastEpoch = (sd as { last_epoch: number }).last_epoch;
  }
}

describe('checkpoints', () => {
  const X = nb.randn([12, 3], { dtype: 'float64', generator: new nb.Generator(1) });
  const Y = X.matmul(
    nb.tensor(
      [
        [1, -1],
        [2, 0.5],
        [-0.5, 3],
      ],
      { dtype: 'float64' },
    ),
  );

  function setup(seed: number) {
    nb.manualSeed(seed);
    const model = new Tiny();
    const optimizer = new MomentumSGD(model.parameters(), 0.05);
    const scheduler = new Halver(optimizer, 2);
    const shuffle = new nb.Generator(seed + 100);
    return { model, optimizer, scheduler, shuffle };
  }

  // One epoch: shuffled mini-batches (named generator) with input noise (global generator).
  function epoch(s: ReturnType<typeof setup>): number[] {
    const losses: number[] = [];
    const perm = nb.randperm(12, { generator: s.shuffle });
    for (let i = 0; i < 12; i += 4) {
      const idx = perm.narrow(0, i, 4);
      const x = X.indexSelect(0, idx).add(nb.randn([4, 3], { dtype: 'float64' }).mul(0.01));
      const loss = s.model.call(x).sub(Y.indexSelect(0, idx)).square().mean();
      s.model.zeroGrad();
      loss.backward();
      s.optimizer.step();
      nb.noGrad(() => (s.model as unknown as { seen: Tensor }).seen.add_(4));
      losses.push(loss.item() as number);
    }
    s.scheduler.step();
    return losses;
  }

  test('a run interrupted and resumed from a checkpoint continues identically', () => {
    const straight = setup(5);
    const want: number[] = [];
    for (let e = 0; e < 6; e++) want.push(...epoch(straight));
    const straightGlobal = nb.defaultGenerator.getState();

    const dir = tmpDir();
    const file = path.join(dir, 'ckpt.safetensors');
    const first = setup(5);
    const got: number[] = [];
    for (let e = 0; e < 3; e++) got.push(...epoch(first));
    io.saveCheckpoint(file, {
      ...first,
      epoch: 3,
      rng: { shuffle: first.shuffle },
      extra: { history: got, best: { loss: Math.min(...got), at: NaN } },
    });

    const resumed = setup(99); // different weights, generators and optimizer state
    nb.randn([17]); // and the global generator elsewhere
    const info = io.loadCheckpoint(file, { ...resumed, rng: { shuffle: resumed.shuffle } });
    assert.equal(info.epoch, 3);
    assert.equal(info.version, io.VERSION);
    assert.deepEqual((info.extra as { history: number[] }).history, got);
    assert.ok(Number.isNaN((info.extra as { best: { at: number } }).best.at));
    for (let e = 3; e < 6; e++) got.push(...epoch(resumed));

    assert.deepEqual(got, want);
    for (const [k, t] of Object.entries(straight.model.stateDict())) assertSame(resumed.model.stateDict()[k], t, k);
    assert.equal(resumed.optimizer.lr, straight.optimizer.lr);
    assert.deepEqual(resumed.shuffle.getState(), straight.shuffle.getState());
    assert.deepEqual(nb.defaultGenerator.getState(), straightGlobal);
  });

  test('the file is plain safetensors: model and optimizer tensors by prefix, the rest as JSON metadata', () => {
    const s = setup(2);
    epoch(s);
    const file = path.join(tmpDir(), 'c.safetensors');
    io.saveCheckpoint(file, { model: s.model, optimizer: s.optimizer, scheduler: s.scheduler, epoch: 1 });
    const { tensors, metadata } = io.loadWithMetadata(file);
    assert.deepEqual(Object.keys(tensors).sort(), [
      'model.b',
      'model.seen',
      'model.w',
      'optimizer.state.0.momentum_buffer',
      'optimizer.state.1.momentum_buffer',
    ]);
    assert.deepEqual(JSON.parse(metadata.optimizer).param_groups, [{ lr: 0.05, momentum: 0.9, params: [0, 1] }]);
    assert.deepEqual(JSON.parse(metadata.scheduler), { last_epoch: 1, every: 2 });
    assert.equal(metadata.epoch, '1');
    assert.equal(metadata['nabla.version'], io.VERSION);
    assert.equal(JSON.parse(metadata.rng).global.length, 5);
  });

  test('a failed resume changes nothing (shape mismatch, or a part refusing after the model loaded)', () => {
    const file = path.join(tmpDir(), 'c.safetensors');
    const s = setup(3);
    epoch(s);
    io.saveCheckpoint(file, s);

    const wide = setup(4);
    wide.model = new Tiny(5);
    const w0 = wide.model.w.tolist();
    const g0 = nb.defaultGenerator.getState();
    assert.throws(() => io.loadCheckpoint(file, { model: wide.model }), /size mismatch for w/);
    assert.deepEqual(wide.model.w.tolist(), w0);
    assert.deepEqual(nb.defaultGenerator.getState(), g0);

    const other = setup(4);
    const before = other.model.w.tolist();
    const refusing = new MomentumSGD([other.model.w], 0.1); // one parameter instead of two
    assert.throws(() => io.loadCheckpoint(file, { model: other.model, optimizer: refusing }), /doesn't match the size/);
    assert.deepEqual(other.model.w.tolist(), before);

    refuses(
      () =>
        io.loadCheckpoint(file, {
          model: other.model,
          optimizer: other.optimizer,
          rng: { loader: new nb.Generator() },
        }),
      /expected a state for generator "loader", got none/,
    );
    assert.deepEqual(other.model.w.tolist(), before);
  });

  test('plain files and checkpoints are told apart', () => {
    const dir = tmpDir();
    io.save({ w: nb.zeros([1]) }, path.join(dir, 'plain.safetensors'));
    refuses(
      () => io.loadCheckpoint(path.join(dir, 'plain.safetensors'), {}),
      /io\.loadCheckpoint: invalid checkpoint ".*plain\.safetensors": expected "nabla\.format"/,
      /use io\.load/,
    );
    io.saveCheckpoint(path.join(dir, 'model-only.safetensors'), { model: new Tiny(), rng: false });
    refuses(
      () => io.loadCheckpoint(path.join(dir, 'model-only.safetensors'), { optimizer: new MomentumSGD([], 1) }),
      /expected it to hold optimizer state, got none/,
    );
    refuses(() => io.encodeCheckpoint({ metadata: { epoch: '1' } }), /reserved/);
  });

  test('works with nabla optimizers and schedulers (Adam + StepLR state, 0-d step tensors)', () => {
    const run = (seed: number) => {
      nb.manualSeed(seed);
      const model = new Tiny();
      const optimizer = new nb.optim.Adam(model.parameters(), { lr: 0.01 });
      const scheduler = new nb.optim.lrScheduler.StepLR(optimizer, 1, { gamma: 0.5 });
      return { model, optimizer, scheduler, shuffle: new nb.Generator(seed) };
    };
    const stepAll = (s: ReturnType<typeof run>) => epoch(s as unknown as ReturnType<typeof setup>);
    const a = run(8);
    const want = [...stepAll(a), ...stepAll(a)];
    const b = run(8);
    const got = stepAll(b);
    const bytes = io.encodeCheckpoint({ ...b, rng: { shuffle: b.shuffle } });
    const c = run(1);
    io.decodeCheckpoint(bytes, { ...c, rng: { shuffle: c.shuffle } });
    got.push(...stepAll(c));
    assert.deepEqual(got, want);
    assert.deepEqual(c.scheduler.getLastLr(), a.scheduler.getLastLr());
  });
});

test('the recorded version is package.json version', () => {
  const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(io.VERSION, pkg.version);
});
