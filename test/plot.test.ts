// Plots: every SVG is well-formed XML (checked by a small parser below, no dependency) and holds
// the expected elements: one path per line series, one circle per point, one bar per bin, C²
// heatmap cells, one image per sample (a valid PNG), escaped text, and 1-2-5 ticks.
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { describe, test } from 'node:test';
import * as nb from '../src/index.js';
import { metrics, plot, type train } from '../src/index.js';

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decode(s: string, where: number): string {
  return s.replace(/&([^;]*);?/g, (m, name: string) => {
    if (!m.endsWith(';')) throw new Error(`bare & near ${where}`);
    if (name in ENTITIES) return ENTITIES[name];
    if (/^#\d+$/.test(name)) return String.fromCodePoint(Number(name.slice(1)));
    if (/^#x[0-9a-f]+$/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
    throw new Error(`unknown entity &${name}; near ${where}`);
  });
}

/** Parses well-formed XML (elements, attributes, text, comments) or throws saying where. */
function parseXml(src: string): XmlNode {
  const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const chunk = src.slice(i, lt < 0 ? src.length : lt);
    if (chunk.trim()) {
      if (stack.length === 1) throw new Error(`text outside the root element at ${i}`);
      stack.at(-1)!.text += decode(chunk, i);
    }
    if (lt < 0) break;
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt);
      if (end < 0) throw new Error(`unclosed comment at ${lt}`);
      i = end + 3;
      continue;
    }
    if (src.startsWith('</', lt)) {
      const m = /^<\/([A-Za-z_][-\w:.]*)\s*>/.exec(src.slice(lt));
      if (!m) throw new Error(`bad closing tag at ${lt}`);
      const open = stack.pop()!;
      if (open.name !== m[1]) throw new Error(`</${m[1]}> closes <${open.name}> at ${lt}`);
      i = lt + m[0].length;
      continue;
    }
    const name = /^<([A-Za-z_][-\w:.]*)/.exec(src.slice(lt));
    if (!name) throw new Error(`bad tag at ${lt}: ${src.slice(lt, lt + 20)}`);
    const node: XmlNode = { name: name[1], attrs: {}, children: [], text: '' };
    let j = lt + name[0].length;
    const attr = /\s+([A-Za-z_:][-\w:.]*)\s*=\s*"([^"<]*)"/y;
    for (;;) {
      attr.lastIndex = j;
      const a = attr.exec(src);
      if (!a) break;
      if (a[1] in node.attrs) throw new Error(`duplicate attribute ${a[1]} at ${j}`);
      node.attrs[a[1]] = decode(a[2], j);
      j = attr.lastIndex;
    }
    const close = /^\s*(\/?)>/.exec(src.slice(j));
    if (!close) throw new Error(`malformed tag <${node.name}> at ${j}: ${src.slice(j, j + 20)}`);
    if (stack.length === 1 && root.children.length) throw new Error('more than one root element');
    stack.at(-1)!.children.push(node);
    if (!close[1]) stack.push(node);
    i = j + close[0].length;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (root.children.length !== 1) throw new Error('expected exactly one root element');
  return root.children[0];
}

const all = (n: XmlNode, name: string): XmlNode[] => [
  ...(n.name === name ? [n] : []),
  ...n.children.flatMap((c) => all(c, name)),
];
const texts = (n: XmlNode) => all(n, 'text').map((t) => t.text);

/** Parses the SVG and checks the root element. */
function svg(s: string): XmlNode {
  const doc = parseXml(s);
  assert.equal(doc.name, 'svg');
  assert.equal(doc.attrs.xmlns, 'http://www.w3.org/2000/svg');
  return doc;
}

describe('the XML checker', () => {
  test('refuses malformed documents', () => {
    for (const bad of [
      '<a><b></a></b>',
      '<a x="1" x="2"/>',
      '<a>&nope;</a>',
      '<a>x & y</a>',
      '<a x=1/>',
      '<a/><b/>',
      '<a>',
    ]) {
      assert.throws(() => parseXml(bad), Error, bad);
    }
    assert.equal(parseXml('<a t="&lt;&amp;">x &gt; y<b/></a>').attrs.t, '<&');
  });
});

describe('lineChart', () => {
  test('one path per series, gaps at missing values, legend, title and axis labels', () => {
    const s = plot.lineChart(
      [
        { name: 'train', y: [1, 0.5, 0.3, 0.2] },
        { name: 'validation', y: [1.1, null, 0.4, 0.35], dashed: true },
      ],
      { title: 'Loss', xLabel: 'epoch', yLabel: 'loss' },
    );
    const doc = svg(s);
    const paths = all(doc, 'path');
    assert.equal(paths.length, 2);
    assert.equal(paths[0].attrs.d.split('M').length - 1, 1);
    // The gap at index 1 splits validation into a lone point (drawn as a dot) and a segment.
    assert.equal(paths[1].attrs.d.split('M').length - 1, 2);
    assert.match(paths[1].attrs.d, /h0M/);
    assert.equal(paths[1].attrs['stroke-dasharray'], '6 4');
    const t = texts(doc);
    for (const want of ['Loss', 'epoch', 'loss', 'train', 'validation']) assert.ok(t.includes(want), want);
    // x ticks: the epochs 1..4 on whole-number steps.
    assert.ok(['1', '2', '3', '4'].every((v) => t.includes(v)));
    assert.ok(!t.some((v) => v.includes('.5') && /^\d/.test(v) && Number(v) > 1 && Number(v) < 4));
  });

  test('text is escaped and survives a round trip', () => {
    const name = 'a<b & "c" \'d\'';
    const s = plot.lineChart({ [name]: [1, 2] }, { title: '<script>alert(1)</script>' });
    assert.ok(!s.includes('<script>'));
    assert.ok(s.includes('a&lt;b &amp; &quot;c&quot; &apos;d&apos;'));
    const doc = svg(s);
    assert.ok(texts(doc).includes(name));
    assert.equal(all(doc, 'path')[0].attrs['data-series'], name);
    assert.equal(plot.escapeXml('x\u0001y'), 'xy'); // control characters are not allowed in XML
  });

  test('log y axis: decade ticks, non-positive values left out', () => {
    const doc = svg(plot.lineChart([{ name: 'loss', y: [2, 0.3, 0.04, 0, -1, 0.005] }], { logY: true }));
    const t = texts(doc);
    for (const v of ['0.001', '0.01', '0.1', '1', '10']) assert.ok(t.includes(v), `${v} in ${t}`);
    // Zero and -1 leave a gap: two runs of points.
    assert.equal(all(doc, 'path')[0].attrs.d.split('M').length - 1, 2);
  });

  test('markers add one circle per point; bad input is refused', () => {
    const doc = svg(plot.lineChart([{ name: 'a', x: [0, 10, 20], y: nb.tensor([3, 1, 2]) }], { markers: true }));
    assert.equal(all(doc, 'circle').length, 3);
    assert.throws(() => plot.lineChart([]), nb.ValueError);
    assert.throws(
      () => plot.lineChart([{ name: 'a', x: [1, 2], y: [1] }]),
      (e: unknown) => e instanceof nb.ValueError && /"a"/.test(e.message),
    );
    assert.throws(() => plot.lineChart([{ name: 'a', y: ['1'] as never }]), nb.DTypeError);
  });
});

describe('ticks', () => {
  test('steps are 1, 2 or 5 times a power of ten and the ticks enclose the data', () => {
    nb.manualSeed(4);
    const r = nb.rand([200, 2]).data();
    for (let i = 0; i < 200; i++) {
      const scale = 10 ** Math.floor(r[2 * i] * 12 - 6);
      const lo = (r[2 * i] - 0.5) * scale * 7;
      const hi = lo + r[2 * i + 1] * scale * 3 + 1e-12;
      const t = plot.niceTicks(lo, hi);
      const mant = t.step / 10 ** Math.floor(Math.log10(t.step) + 1e-9);
      assert.ok(
        [1, 2, 5].some((m) => Math.abs(mant - m) < 1e-6),
        `step ${t.step}`,
      );
      assert.ok(t.lo <= lo && t.hi >= hi, `[${t.lo}, ${t.hi}] encloses [${lo}, ${hi}]`);
      assert.ok(t.ticks.length >= 2 && t.ticks.length <= 12, `${t.ticks.length} ticks`);
    }
    // Hand-checked cases.
    assert.deepEqual(plot.niceTicks(0.13, 0.92).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(plot.niceTicks(1, 10, 5, true).ticks, [0, 2, 4, 6, 8, 10]);
    // A single value is padded by 10% to [4.5, 5.5], then ticked on 0.2 steps.
    assert.deepEqual(plot.niceTicks(5, 5).ticks, [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]);
    assert.deepEqual(plot.logTicks(0.2, 8).ticks, [0.1, 0.2, 0.5, 1, 2, 5, 10]);
    assert.equal(plot.formatTick(0.1 + 0.2, 0.1), '0.3');
    assert.equal(plot.formatTick(2e-7, 1e-7), '2e-7');
  });
});

describe('scatter and histogram', () => {
  test('scatter: one circle per finite point, a legend entry per named series', () => {
    const doc = svg(
      plot.scatter(
        [
          { name: 'class 0', x: [0, 1, 2], y: [1, 2, NaN] },
          { name: 'class 1', x: nb.tensor([3, 4]), y: nb.tensor([0, -1]) },
        ],
        { title: 'points', xLabel: 'x', yLabel: 'y' },
      ),
    );
    assert.equal(all(doc, 'circle').length, 4);
    assert.ok(texts(doc).includes('class 0') && texts(doc).includes('class 1'));
    const single = svg(plot.scatter({ x: [1, 2], y: [3, 4] }));
    assert.equal(all(single, 'circle').length, 2);
    assert.equal(all(single, 'text').filter((t) => t.attrs.class === 'legend').length, 0);
  });

  test('histogram: one bar per bin, counts summing to the values in range, density of area 1', () => {
    const values = [0, 0.1, 0.2, 0.5, 0.9, 1, 1, 3];
    const doc = svg(plot.histogram(values, { bins: 4, range: [0, 1], title: 'h' }));
    const bars = all(doc, 'rect').filter((r) => r.attrs.class === 'bar');
    assert.equal(bars.length, 4);
    // Bins [0, .25) [.25, .5) [.5, .75) [.75, 1]: counts 3, 0, 1, 3 (hand; 3 is out of range).
    assert.deepEqual(
      bars.map((b) => Number(b.attrs['data-count'])),
      [3, 0, 1, 3],
    );
    const dens = svg(plot.histogram(nb.randn([500]), { bins: 10, density: true }));
    assert.equal(all(dens, 'rect').filter((r) => r.attrs.class === 'bar').length, 10);
    assert.ok(texts(dens).includes('density'));
    assert.throws(() => plot.histogram(values, { bins: 0 }), nb.ValueError);
  });
});

describe('confusionMatrix heatmap', () => {
  test('C² cells with counts, class labels on both axes, darker cells for larger counts', () => {
    const cm = metrics.confusionMatrix(
      nb.tensor([0, 0, 1, 1, 2, 2, 2], { dtype: 'int32' }),
      nb.tensor([0, 1, 1, 1, 2, 2, 0], { dtype: 'int32' }),
    );
    const doc = svg(plot.confusionMatrix(cm, { labels: ['cat', 'dog', 'b&w'] }));
    const cells = all(doc, 'rect').filter((r) => r.attrs.class === 'cell');
    assert.equal(cells.length, 9);
    const t = texts(doc);
    for (const l of ['cat', 'dog', 'b&w', 'Predicted', 'True', 'Confusion matrix']) assert.ok(t.includes(l), l);
    // Rows = true: [[1, 0, 1], [1, 2, 0], [0, 0, 2]] (hand); the printed counts follow row-major.
    const counts = t.filter((v) => /^\d+$/.test(v));
    assert.deepEqual(counts, ['1', '0', '1', '1', '2', '0', '0', '0', '2']);
    const lum = (hex: string) => parseInt(hex.slice(1, 3), 16);
    assert.ok(
      lum(cells[4].attrs.fill) < lum(cells[0].attrs.fill) && lum(cells[0].attrs.fill) < lum(cells[1].attrs.fill),
    );
    const norm = texts(
      svg(
        plot.confusionMatrix(
          [
            [1, 3],
            [0, 2],
          ],
          { normalize: true },
        ),
      ),
    );
    assert.ok(norm.includes('0.25') && norm.includes('0.75') && norm.includes('1.00'));
    assert.throws(() => plot.confusionMatrix(nb.zeros([2, 3])), nb.ShapeError);
    assert.throws(
      () =>
        plot.confusionMatrix(
          [
            [1, 2],
            [3, 4],
          ],
          { labels: ['a'] },
        ),
      nb.ValueError,
    );
  });
});

describe('imageGrid', () => {
  test('one embedded PNG per image, captions "prediction (label)", wrong ones framed in red', () => {
    // Three 2×3 images; image 1 is a known ramp.
    const imgs = nb.zeros([3, 1, 2, 3]);
    imgs.select(0, 1).copy_(
      nb.tensor([
        [
          [0, 0.2, 0.4],
          [0.6, 0.8, 1],
        ],
      ]),
    );
    imgs.select(0, 2).fill_(1);
    const doc = svg(
      plot.imageGrid(imgs, {
        labels: [7, 1, 2],
        predictions: nb.tensor([7, 4, 2], { dtype: 'int32' }),
        cols: 2,
        title: 'digits',
      }),
    );
    const images = all(doc, 'image');
    assert.equal(images.length, 3);
    const wrong = all(doc, 'rect').filter((r) => r.attrs.class === 'wrong');
    assert.equal(wrong.length, 1);
    assert.equal(wrong[0].attrs.stroke, '#d62728');
    const captions = all(doc, 'text').filter((t) => /\(/.test(t.text));
    assert.deepEqual(
      captions.map((c) => [c.text, c.attrs.fill]),
      [
        ['7 (7)', '#1a1a1a'],
        ['4 (1)', '#d62728'],
        ['2 (2)', '#1a1a1a'],
      ],
    );
    // The PNG holds the ramp scaled to 0..255: filter byte 0 then the pixels of each row.
    const png = Buffer.from(images[1].attrs.href.replace('data:image/png;base64,', ''), 'base64');
    assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    const idat = png.indexOf('IDAT');
    const len = png.readUInt32BE(idat - 4);
    const raw = inflateSync(png.subarray(idat + 4, idat + 4 + len));
    assert.deepEqual([...raw], [0, 0, 51, 102, 0, 153, 204, 255]);
  });

  test('[N, H, W] input, class-score predictions, class names; shapes are checked', () => {
    const doc = svg(
      plot.imageGrid(nb.rand([4, 5, 5]), {
        labels: nb.tensor([0, 1, 1, 0], { dtype: 'int32' }),
        predictions: nb.tensor([
          [2, 1],
          [0, 3],
          [5, 1],
          [1, 0],
        ]),
        classNames: ['ham', 'spam'],
      }),
    );
    assert.equal(all(doc, 'image').length, 4);
    assert.equal(all(doc, 'rect').filter((r) => r.attrs.class === 'wrong').length, 1);
    assert.ok(texts(doc).includes('ham (spam)'));
    assert.throws(() => plot.imageGrid(nb.zeros([2, 2, 3, 3])), nb.ShapeError);
    assert.throws(() => plot.imageGrid(nb.zeros([2, 3, 3]), { labels: [1] }), nb.ValueError);
  });
});

describe('trainingCurves', () => {
  const entry = (
    epoch: number,
    trainLoss: number,
    valLoss: number | null,
    m: Record<string, number>,
  ): train.HistoryEntry => ({
    epoch,
    trainLoss,
    valLoss,
    metrics: m,
    lr: 0.1,
    seconds: 1,
  });

  test('a loss panel and one panel per metric, train solid and validation dashed', () => {
    const history = {
      epochs: [
        entry(1, 1.0, 1.1, { accuracy: 0.5, valAccuracy: 0.45, f1: 0.4, valF1: 0.3 }),
        entry(2, 0.6, 0.8, { accuracy: 0.7, valAccuracy: 0.65, f1: 0.6, valF1: 0.5 }),
        entry(3, 0.4, 0.7, { accuracy: 0.8, valAccuracy: 0.7, f1: 0.7, valF1: 0.6 }),
      ],
    };
    const doc = svg(plot.trainingCurves(history, { title: 'run 1' }));
    const panels = doc.children.filter((c) => c.name === 'svg');
    assert.equal(panels.length, 3);
    assert.equal(all(doc, 'path').length, 6);
    assert.deepEqual(
      panels.map((p) => all(p, 'path').map((x) => x.attrs['data-series'])),
      [
        ['train', 'validation'],
        ['train', 'validation'],
        ['train', 'validation'],
      ],
    );
    const t = texts(doc);
    for (const w of ['run 1', 'Loss', 'accuracy', 'f1']) assert.ok(t.includes(w), w);
    const onlyAcc = svg(plot.trainingCurves(history.epochs, { metrics: ['accuracy'] }));
    assert.equal(onlyAcc.children.filter((c) => c.name === 'svg').length, 2);
    // Without validation, the loss panel has only the train line.
    const noVal = svg(plot.trainingCurves([entry(1, 1, null, {}), entry(2, 0.5, null, {})]));
    assert.equal(all(noVal, 'path').length, 1);
    assert.throws(() => plot.trainingCurves({ epochs: [] }), nb.ValueError);
    assert.throws(
      () => plot.trainingCurves(history, { metrics: ['auc'] }),
      (e: unknown) => e instanceof nb.ValueError && /"auc"/.test(e.message),
    );
  });
});
