// The CLI contract on real LiteRT: ultraface (a converter-made model with dynamic output shapes)
// and tiny ADD models built in code (exact results, every input dtype, several inputs).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { bytesOf, typedView } from '../lib/dtypes.mjs';
import { decodeNpy } from '../lib/npy.mjs';
import { addModel, concatInt8Model } from './helpers/tiny-tflite.mjs';
import { cli, pseudoRandom, tempDir, ULTRAFACE, writeNpy } from './helpers/cli.mjs';

const FACE_INPUT = [1, 240, 320, 3];
const FACE_SIZE = 240 * 320 * 3;
const load = (file) => {
  const t = decodeNpy(new Uint8Array(readFileSync(file)));
  return { ...t, values: typedView(t.dtype, t.data) };
};

/** A one-line `litert-runner: …` message and nothing else: no stack trace. */
function assertOneLineError(r, status, pattern) {
  assert.equal(r.status, status, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^litert-runner: /);
  assert.match(lines[0], pattern);
}

test('info reports ultraface inputs and the output shapes LiteRT computes', async () => {
  const r = await cli('info', ULTRAFACE);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.json.inputs, [
    { name: 'input_1', shape: FACE_INPUT, dtype: 'float32', shape_signature: [-1, 240, 320, 3] },
  ]);
  // The file declares [1,1,4] and [1,1,2] placeholders; the real shapes come from a run.
  assert.deepEqual(r.json.outputs, [
    { name: 'Identity', shape: [1, 4420, 4], dtype: 'float32', shape_signature: [-1, -1, 4] },
    { name: 'Identity_1', shape: [1, 4420, 2], dtype: 'float32', shape_signature: [-1, -1, 2] },
  ]);
});

test('run writes ultraface boxes and softmax scores with their real shapes', async (t) => {
  const dir = tempDir(t);
  const input = writeNpy(dir, 'x.npy', 'float32', FACE_INPUT, pseudoRandom(FACE_SIZE));
  const out = path.join(dir, 'out');
  const r = await cli('run', ULTRAFACE, '--input', input, '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    r.json.outputs.map(({ index, name, shape, dtype }) => ({ index, name, shape, dtype })),
    [
      { index: 0, name: 'Identity', shape: [1, 4420, 4], dtype: 'float32' },
      { index: 1, name: 'Identity_1', shape: [1, 4420, 2], dtype: 'float32' },
    ],
  );
  assert.equal(r.json.outputs[0].path, path.join(out, 'output_0.npy'));
  const boxes = load(r.json.outputs[0].path);
  const scores = load(r.json.outputs[1].path);
  assert.deepEqual(boxes.shape, [1, 4420, 4]);
  assert.deepEqual(scores.shape, [1, 4420, 2]);
  assert.ok(boxes.values.every(Number.isFinite), 'boxes are finite');
  for (let i = 0; i < 4420; i++) {
    const [a, b] = [scores.values[2 * i], scores.values[2 * i + 1]];
    assert.ok(a >= 0 && a <= 1 && b >= 0 && b <= 1, `score row ${i} in [0,1]`);
    assert.ok(Math.abs(a + b - 1) < 1e-5, `score row ${i} sums to 1 (softmax), got ${a + b}`);
  }
  assert.deepEqual(readdirSync(out).sort(), ['output_0.npy', 'output_1.npy'], 'no temporary files left');
});

test('run on N rows runs row by row and stacks outputs identical to single runs', async (t) => {
  const dir = tempDir(t);
  const rows = pseudoRandom(3 * FACE_SIZE, 7);
  const all = writeNpy(dir, 'rows.npy', 'float32', [3, 240, 320, 3], rows);
  const r = await cli('run', ULTRAFACE, '--input', all, '--out', path.join(dir, 'all'));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.json.outputs.map((o) => o.shape), [[3, 4420, 4], [3, 4420, 2]]);
  const second = writeNpy(dir, 'row1.npy', 'float32', FACE_INPUT, rows.subarray(FACE_SIZE, 2 * FACE_SIZE));
  const one = await cli('run', ULTRAFACE, '--input', second, '--out', path.join(dir, 'one'));
  assert.equal(one.status, 0, one.stderr);
  for (const k of [0, 1]) {
    const stacked = load(r.json.outputs[k].path).values;
    const single = load(one.json.outputs[k].path).values;
    const n = single.length;
    assert.deepEqual(stacked.subarray(n, 2 * n), single, `output ${k} row 1`);
  }
});

for (const dtype of ['float32', 'int32', 'int64', 'int8', 'uint8']) {
  test(`run feeds and returns ${dtype} tensors exactly (ADD model built in code)`, async (t) => {
    const dir = tempDir(t);
    const model = path.join(dir, 'add.tflite');
    writeFileSync(model, addModel({ dtype, shape: [1, 4] }));
    const Array_ = { float32: Float32Array, int32: Int32Array, int8: Int8Array, uint8: Uint8Array }[dtype];
    const make = (values) => (dtype === 'int64' ? BigInt64Array.from(values.map(BigInt)) : Array_.from(values));
    const a = writeNpy(dir, 'a.npy', dtype, [1, 4], make([1, 2, 3, 100]));
    const b = writeNpy(dir, 'b.npy', dtype, [1, 4], make([10, 20, 30, 100]));
    const r = await cli('run', model, '--input', a, '--input', b, '--out', dir);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.json.outputs.map(({ name, shape, dtype: d }) => ({ name, shape, dtype: d })), [
      { name: 'sum', shape: [1, 4], dtype },
    ]);
    const sum = load(r.json.outputs[0].path);
    const expected = dtype === 'int8' ? [11, 22, 33, 127] : [11, 22, 33, 200]; // int8 saturates
    assert.deepEqual(Array.from(sum.values, Number), expected);
  });
}

test('int64 files feed an int32 model (PyTorch token ids), row by row and in bench', async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'add.tflite');
  writeFileSync(model, addModel({ dtype: 'int32', shape: [1, 4] }));
  const ids = [1, 2, 3, -2147483648, 5, 6, 7, 2147483647];
  const a = writeNpy(dir, 'a.npy', 'int64', [2, 4], BigInt64Array.from(ids.map(BigInt)));
  const b = writeNpy(dir, 'b.npy', 'int32', [2, 4], Int32Array.from([10, 20, 30, 0, 1, 1, 1, -1]));
  const r = await cli('run', model, '--input', a, '--input', b, '--out', dir);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.json.outputs.map(({ shape, dtype }) => ({ shape, dtype })), [{ shape: [2, 4], dtype: 'int32' }]);
  assert.deepEqual(Array.from(load(r.json.outputs[0].path).values), [11, 22, 33, -2147483648, 6, 7, 8, 2147483646]);
  const bench = await cli('bench', model, '--input', a, '--input', b, '--warmup', '0', '--runs', '1');
  assert.equal(bench.status, 0, bench.stderr);
  assert.equal(bench.json.inputs, 'files');
});

test('an int64 value outside int32 for an int32 input exits 2 naming the input and the value', async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'add.tflite');
  writeFileSync(model, addModel({ dtype: 'int32', shape: [1, 4] }));
  const b = writeNpy(dir, 'b.npy', 'int32', [1, 4], new Int32Array(4));
  const late = writeNpy(dir, 'late.npy', 'int64', [2, 4], BigInt64Array.from([0n, 1n, 2n, 3n, 4n, 5n, 2147483648n, 7n]));
  assertOneLineError(
    await cli('run', model, '--input', late, '--input', b, '--out', path.join(dir, 'out')),
    2,
    /input 0 'a' takes int32 and int64 value 2147483648 at element 6 of .*late\.npy does not fit$/,
  );
  const low = writeNpy(dir, 'low.npy', 'int64', [1, 4], BigInt64Array.from([0n, -2147483649n, 5000000000n, 0n]));
  assertOneLineError(
    await cli('bench', model, '--input', b, '--input', low),
    2,
    /input 1 'b' takes int32 and int64 value -2147483649 at element 1 of .*low\.npy does not fit$/,
  );
});

for (const [what, outputs] of [
  ['names no output tensor', [[null, 2]]],
  ['names a tensor that is not the subgraph output', [['output_0', 1]]],
]) {
  test(`run ignores a signature that ${what} (as converters leave on int8 models)`, async (t) => {
    const dir = tempDir(t);
    const model = path.join(dir, 'add.tflite');
    const signature = { inputs: [['a', 0], ['b', 1]], outputs };
    writeFileSync(model, addModel({ dtype: 'int8', shape: [1, 4], signature }));
    const a = writeNpy(dir, 'a.npy', 'int8', [1, 4], Int8Array.from([1, 2, 3, 4]));
    const b = writeNpy(dir, 'b.npy', 'int8', [1, 4], Int8Array.from([10, 20, 30, 40]));
    const r = await cli('run', model, '--input', a, '--input', b, '--out', dir);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.json.outputs.map(({ name, shape }) => ({ name, shape })), [{ name: 'sum', shape: [1, 4] }]);
    assert.deepEqual(Array.from(load(r.json.outputs[0].path).values), [11, 22, 33, 44]);
  });
}

test('compare times several models interleaved, wall and CPU time for each', async (t) => {
  const dir = tempDir(t);
  const a = path.join(dir, 'a.tflite');
  const b = path.join(dir, 'b.tflite');
  writeFileSync(a, addModel({ dtype: 'float32', shape: [1, 4] }));
  writeFileSync(b, addModel({ dtype: 'int32', shape: [1, 64] }));
  const r = await cli('compare', a, b, '--rounds', '3', '--runs', '2', '--warmup', '1');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.json.models.map((m) => m.model), [a, b]);
  for (const m of r.json.models) {
    assert.equal(m.runs_ms.length, 6);
    assert.ok(m.min_ms > 0 && m.min_ms <= m.median_ms, JSON.stringify(m));
    assert.ok(m.cpu_min_ms >= 0 && m.cpu_min_ms <= m.cpu_median_ms, JSON.stringify(m));
  }
});

test('run repeats a one-row input on every row of the other', async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'add.tflite');
  writeFileSync(model, addModel({ dtype: 'float32', shape: [1, 4] }));
  const a = writeNpy(dir, 'a.npy', 'float32', [5, 4], Float32Array.from({ length: 20 }, (_, i) => i));
  const b = writeNpy(dir, 'b.npy', 'float32', [1, 4], Float32Array.from([100, 200, 300, 400]));
  const r = await cli('run', model, '--input', a, '--input', b, '--out', dir);
  assert.equal(r.status, 0, r.stderr);
  const sum = load(r.json.outputs[0].path);
  assert.deepEqual(sum.shape, [5, 4]);
  assert.deepEqual(Array.from(sum.values.subarray(16)), [116, 217, 318, 419]);
});

test('run --batch-file runs every job in one process and reports each', async (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'add.tflite'), addModel({ dtype: 'int32', shape: [1, 2] }));
  writeNpy(dir, 'a.npy', 'int32', [1, 2], Int32Array.from([1, 2]));
  writeNpy(dir, 'wide.npy', 'int32', [1, 3], Int32Array.from([1, 2, 3]));
  const jobs = [
    { model: 'add.tflite', inputs: ['a.npy', 'a.npy'], out: 'o0' },
    { model: 'add.tflite', inputs: ['a.npy', 'wide.npy'], out: 'o1' },
    { model: 'missing.tflite', inputs: ['a.npy', 'a.npy'], out: 'o2' },
    { model: 'add.tflite', inputs: ['a.npy', 'a.npy'], out: 'o3' },
  ];
  writeFileSync(path.join(dir, 'jobs.json'), JSON.stringify(jobs));
  const r = await cli('run', '--batch-file', path.join(dir, 'jobs.json'));
  assert.equal(r.status, 2, 'the first failure sets the status');
  assert.equal(r.json.length, 4);
  assert.deepEqual(r.json.map((j) => j.job), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(load(r.json[0].outputs[0].path).values), [2, 4]);
  assert.match(r.json[1].error, /input 1 'b' expects shape \[1,2\].*got \[1,3\]/);
  assert.equal(r.json[1].status, 2);
  assert.match(r.json[2].error, /missing\.tflite: no such file/);
  assert.deepEqual(Array.from(load(r.json[3].outputs[0].path).values), [2, 4]);
  assert.equal(r.stderr.trim().split('\n').length, 2, 'one stderr line per failed job');
  assert.ok(!existsSync(path.join(dir, 'o1', 'output_0.npy')));
});

test('a missing model exits 2 with one line', async (t) => {
  const dir = tempDir(t);
  const input = writeNpy(dir, 'x.npy', 'float32', [1, 4], new Float32Array(4));
  assertOneLineError(await cli('run', path.join(dir, 'nope.tflite'), '--input', input, '--out', dir), 2, /nope\.tflite: no such file/);
  assertOneLineError(await cli('info', path.join(dir, 'nope.tflite')), 2, /no such file/);
});

test('a file that is not a TFLite model exits 2', async (t) => {
  const dir = tempDir(t);
  const input = writeNpy(dir, 'x.npy', 'float32', [1, 4], new Float32Array(4));
  assertOneLineError(await cli('info', input), 2, /is not a TFLite file \(file identifier/);
  const truncated = path.join(dir, 'half.tflite');
  writeFileSync(truncated, readFileSync(ULTRAFACE).subarray(0, 400000));
  assertOneLineError(await cli('info', truncated), 2, /is not a valid TFLite file/);
});

test('a wrong input shape exits 2 naming the input, the expected and the given shapes', async (t) => {
  const dir = tempDir(t);
  const nchw = writeNpy(dir, 'nchw.npy', 'float32', [1, 3, 240, 320], new Float32Array(FACE_SIZE));
  assertOneLineError(
    await cli('run', ULTRAFACE, '--input', nchw, '--out', dir),
    2,
    /input 0 'input_1' expects shape \[1,240,320,3\] or \[N,240,320,3\], got \[1,3,240,320\]/,
  );
});

test('a wrong input dtype or count exits 2', async (t) => {
  const dir = tempDir(t);
  const ints = writeNpy(dir, 'x.npy', 'int32', FACE_INPUT, new Int32Array(FACE_SIZE));
  assertOneLineError(await cli('run', ULTRAFACE, '--input', ints, '--out', dir), 2, /'input_1' expects dtype float32, got int32/);
  assertOneLineError(await cli('run', ULTRAFACE, '--out', dir), 2, /has 1 input\(s\) \('input_1' \[1,240,320,3\] float32\); got 0/);
});

test('a corrupt .npy and unknown options exit 2', async (t) => {
  const dir = tempDir(t);
  const bad = path.join(dir, 'bad.npy');
  writeFileSync(bad, 'not numpy at all');
  assertOneLineError(await cli('run', ULTRAFACE, '--input', bad, '--out', dir), 2, /bad\.npy: not a \.npy file/);
  assertOneLineError(await cli('run', ULTRAFACE, '--inptu', bad), 2, /Unknown option '--inptu'.*--input/);
  assertOneLineError(await cli('frob'), 2, /unknown command 'frob', expected one of info, run, bench/);
});

test('a model LiteRT refuses to load exits 1', async (t) => {
  const dir = tempDir(t);
  const bytes = new Uint8Array(readFileSync(ULTRAFACE));
  for (let i = 2000; i < 2064; i++) bytes[i] ^= 0x5a; // inside the flatbuffer tables
  const broken = path.join(dir, 'broken.tflite');
  writeFileSync(broken, bytes);
  assertOneLineError(await cli('info', broken), 1, /LiteRT could not load .*broken\.tflite: Failed to load model/);
});

test('a model whose nodes fail to prepare exits 1 instead of returning unwritten outputs', async (t) => {
  const dir = tempDir(t);
  const a = writeNpy(dir, 'a.npy', 'int8', [1, 4], Int8Array.of(1, 2, 3, 4));
  const b = writeNpy(dir, 'b.npy', 'int8', [1, 4], Int8Array.of(5, 6, 7, 8));
  const good = path.join(dir, 'good.tflite');
  writeFileSync(good, concatInt8Model([0.5, 0.5, 0.5]));
  const ok = await cli('run', good, '--input', a, '--input', b, '--out', path.join(dir, 'ok'));
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual([...load(ok.json.outputs[0].path).values], [1, 2, 3, 4, 5, 6, 7, 8]);
  // int8 CONCATENATION with inputs at other scales than its output: LiteRT fails to prepare
  const bad = path.join(dir, 'bad.tflite');
  writeFileSync(bad, concatInt8Model([0.5, 0.25, 0.5]));
  assertOneLineError(await cli('run', bad, '--input', a, '--input', b, '--out', path.join(dir, 'bad')), 1,
    /LiteRT could not prepare .*bad\.tflite: .*CONCATENATION.*failed to prepare/);
});

test('bench prints latency figures as one JSON line', async () => {
  const r = await cli('bench', ULTRAFACE, '--warmup', '1', '--runs', '3');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.json.backend, 'litert-wasm');
  for (const key of ['load_ms', 'first_inference_ms', 'mean_ms', 'median_ms', 'min_ms', 'runtime_load_ms']) {
    assert.ok(typeof r.json[key] === 'number' && r.json[key] > 0, `${key} = ${r.json[key]}`);
  }
  assert.equal(r.json.runs_ms.length, 3);
  assert.ok(r.json.runs_ms.every((ms) => ms > 0));
  assert.equal(r.json.probe, true);
});

test('bench takes inputs from files', async (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'add.tflite');
  writeFileSync(model, addModel({ dtype: 'uint8', shape: [1, 8] }));
  const a = writeNpy(dir, 'a.npy', 'uint8', [4, 8], new Uint8Array(32));
  const r = await cli('bench', model, '--input', a, '--input', a, '--warmup', '0', '--runs', '2');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.json.inputs, 'files');
  assert.equal(r.json.probe, false);
  assert.equal(r.json.runs_ms.length, 2);
});
