import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { enlargeDynamicOutputs, readTfliteHeader, withOutputShapes } from '../lib/tflite-file.mjs';
import { addModel } from './helpers/tiny-tflite.mjs';
import { ULTRAFACE } from './helpers/cli.mjs';

const face = () => new Uint8Array(readFileSync(ULTRAFACE));

test('reads names, types, declared shapes and shape signatures without LiteRT', () => {
  const h = readTfliteHeader(face(), 'ultraface');
  assert.deepEqual(
    h.inputs.map(({ name, dtype, shape, shapeSignature }) => ({ name, dtype, shape, shapeSignature })),
    [{ name: 'input_1', dtype: 'float32', shape: [1, 240, 320, 3], shapeSignature: [-1, 240, 320, 3] }],
  );
  assert.deepEqual(h.outputs.map((o) => [o.name, o.shape, o.shapeSignature]), [
    ['Identity', [1, 1, 4], [-1, -1, 4]],
    ['Identity_1', [1, 1, 2], [-1, -1, 2]],
  ]);
});

test('reads quantization of int8 tensors', () => {
  const h = readTfliteHeader(addModel({ dtype: 'int8' }), 'add');
  assert.deepEqual(h.inputs.map((i) => [i.name, i.dtype, i.quantization]), [
    ['a', 'int8', { scale: [1], zeroPoint: [0] }],
    ['b', 'int8', { scale: [1], zeroPoint: [0] }],
  ]);
});

test('rejects files without the TFL3 identifier or with offsets outside the file', () => {
  assert.throws(() => readTfliteHeader(new TextEncoder().encode('hello world!'), 'x.txt'), /x\.txt is not a TFLite file \(file identifier 'o wo'/);
  assert.throws(() => readTfliteHeader(face().subarray(0, 300000), 'half'), /half is not a valid TFLite file/);
});

test('enlarges only dynamic output dimensions and leaves the original untouched', () => {
  const bytes = face();
  const before = bytes.slice();
  const h = readTfliteHeader(bytes);
  const { bytes: big, enlarged } = enlargeDynamicOutputs(bytes, h, 4 * 1024 * 1024);
  assert.deepEqual(enlarged, ['Identity', 'Identity_1']);
  assert.deepEqual(bytes, before);
  const hb = readTfliteHeader(big);
  assert.deepEqual(hb.outputs.map((o) => o.shape), [[262144, 1, 4], [524288, 1, 2]]);
  assert.deepEqual(hb.outputs.map((o) => o.shapeSignature), [[-1, -1, 4], [-1, -1, 2]]);
  assert.deepEqual(hb.inputs[0].shape, [1, 240, 320, 3]);
});

test('writes given output shapes of the same rank', () => {
  const bytes = face();
  const h = readTfliteHeader(bytes);
  const fixed = withOutputShapes(bytes, h, new Map([['Identity', [1, 4420, 4]], ['Identity_1', [1, 4420, 2]]]));
  assert.deepEqual(readTfliteHeader(fixed).outputs.map((o) => o.shape), [[1, 4420, 4], [1, 4420, 2]]);
  assert.throws(() => withOutputShapes(bytes, h, new Map([['Identity', [4420, 4]]])), /declares rank 3/);
});
