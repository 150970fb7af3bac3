import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { bytesOf, typedView } from '../lib/dtypes.mjs';
import { decodeNpy, encodeNpy, NpyError } from '../lib/npy.mjs';
import { tempDir } from './helpers/cli.mjs';

const SAMPLES = {
  float32: new Float32Array([0, -1.5, 3.25, 1e-30, Infinity, -0]),
  int8: new Int8Array([0, -128, 127, -1, 5, 6]),
  uint8: new Uint8Array([0, 255, 128, 1, 2, 3]),
  int32: new Int32Array([0, -2147483648, 2147483647, -1, 7, 8]),
  int64: new BigInt64Array([0n, -9223372036854775808n, 9223372036854775807n, -1n, 9n, 10n]),
  int16: new Int16Array([0, -32768, 32767, -1, 1, 2]),
  float64: new Float64Array([0, -1.5, Math.PI, 1e300, -Infinity, 2]),
};

for (const [dtype, array] of Object.entries(SAMPLES)) {
  test(`round-trips ${dtype} with shape and values intact`, () => {
    for (const shape of [[6], [2, 3], [1, 2, 3, 1]]) {
      const bytes = encodeNpy({ dtype, shape, data: bytesOf(array) });
      const back = decodeNpy(bytes);
      assert.equal(back.dtype, dtype);
      assert.deepEqual(back.shape, shape);
      assert.deepEqual(typedView(dtype, back.data), array);
    }
  });
}

test('pads the header so that data starts on a 64-byte boundary', () => {
  for (const shape of [[], [3], [10, 20, 30, 40]]) {
    const n = shape.reduce((a, b) => a * b, 1);
    const bytes = encodeNpy({ dtype: 'uint8', shape, data: new Uint8Array(n) });
    assert.equal((bytes.length - n) % 64, 0);
    assert.equal(bytes[bytes.length - n - 1], 0x0a); // header ends with a newline
  }
});

test('reads a scalar and an empty array', () => {
  const scalar = decodeNpy(encodeNpy({ dtype: 'float32', shape: [], data: bytesOf(new Float32Array([2.5])) }));
  assert.deepEqual(scalar.shape, []);
  assert.deepEqual(typedView('float32', scalar.data), new Float32Array([2.5]));
  const empty = decodeNpy(encodeNpy({ dtype: 'int32', shape: [0, 4], data: new Uint8Array(0) }));
  assert.deepEqual(empty.shape, [0, 4]);
  assert.equal(empty.data.length, 0);
});

test('rejects what it cannot read with a message naming the problem', () => {
  assert.throws(() => decodeNpy(new Uint8Array(20)), /not a \.npy file/);
  const header = (dict) => {
    const text = `${dict}\n`;
    const out = new Uint8Array(10 + text.length + 8);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(out.buffer).setUint16(8, text.length, true);
    out.set(new TextEncoder().encode(text), 10);
    return out;
  };
  assert.throws(() => decodeNpy(header("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }")), /big-endian/);
  assert.throws(() => decodeNpy(header("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }")), /Fortran/);
  assert.throws(() => decodeNpy(header("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }")), /unsupported dtype '<c8'/);
  assert.throws(() => decodeNpy(header("{'descr': '<f4', 'fortran_order': False, 'shape': (9,), }")), NpyError);
});

function numpyAvailable() {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('agrees with NumPy in both directions', (t) => {
  if (!numpyAvailable()) {
    t.skip('python3 with numpy is not installed');
    return;
  }
  const dir = tempDir(t);
  for (const [dtype, array] of Object.entries(SAMPLES)) {
    writeFileSync(path.join(dir, `ours-${dtype}.npy`), encodeNpy({ dtype, shape: [2, 3], data: bytesOf(array) }));
  }
  const script = `
import numpy as np, sys, json
d = sys.argv[1]
out = {}
for dt in ${JSON.stringify(Object.keys(SAMPLES))}:
    a = np.load(f"{d}/ours-{dt}.npy")
    out[dt] = [str(a.dtype), list(a.shape), a.astype(a.dtype.newbyteorder("<")).tobytes().hex()]
    np.save(f"{d}/numpy-{dt}.npy", np.arange(12, dtype=dt).reshape(3, 4) - (5 if dt != "uint8" else 0))
print(json.dumps(out))`;
  const seen = JSON.parse(execFileSync('python3', ['-c', script, dir], { encoding: 'utf8' }));
  for (const [dtype, array] of Object.entries(SAMPLES)) {
    assert.equal(seen[dtype][0], dtype);
    assert.deepEqual(seen[dtype][1], [2, 3]);
    assert.equal(seen[dtype][2], Buffer.from(bytesOf(array)).toString('hex'), `${dtype} values`);
    const back = decodeNpy(new Uint8Array(readFileSync(path.join(dir, `numpy-${dtype}.npy`))));
    assert.equal(back.dtype, dtype);
    assert.deepEqual(back.shape, [3, 4]);
    const first = typedView(dtype, back.data)[0];
    assert.equal(Number(first), dtype === 'uint8' ? 0 : -5);
  }
});
