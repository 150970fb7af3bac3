// Matches .npy inputs to a model's inputs and splits them into rows: a model input whose leading
// dimension is 1 accepts a file with N rows of the remaining shape, and the model runs once per
// row. A file with exactly the input's shape is used as is (and repeated on every row).
// int64 files feed int32 inputs (PyTorch saves token ids as int64; Graft's TFLite inputs are
// int32): readInput narrows each value, refusing one that does not fit.

import { shapeText } from './dtypes.mjs';
import { UsageError } from './errors.mjs';

/**
 * @param {{name: string, shape: number[], dtype: string}[]} inputs the model's inputs, in order
 * @param {{path: string, shape: number[], dtype: string}[]} sources the given files, same order
 * @param {string} modelName for messages
 * @returns {{rows: number, perRow: boolean[]}} perRow[i] says whether source i is read row by
 *   row (true) or whole (false)
 * @throws {UsageError} naming the input, the expected and the given shapes
 */
export function planRows(inputs, sources, modelName) {
  if (sources.length !== inputs.length) {
    const names = inputs.map((i) => `'${i.name}' ${shapeText(i.shape)} ${i.dtype}`).join(', ');
    throw new UsageError(
      `${modelName} has ${inputs.length} input(s) (${names}); got ${sources.length} --input file(s)`,
    );
  }
  const perRow = [];
  const counts = new Map();
  inputs.forEach((inp, i) => {
    const src = sources[i];
    if (src.dtype !== inp.dtype && !narrows(src.dtype, inp.dtype)) {
      throw new UsageError(`input ${i} '${inp.name}' expects dtype ${inp.dtype}, got ${src.dtype} (${src.path})`);
    }
    if (shapeText(src.shape) === shapeText(inp.shape)) {
      perRow.push(false);
      return;
    }
    const rowsOk =
      inp.shape.length > 0 &&
      inp.shape[0] === 1 &&
      src.shape.length === inp.shape.length &&
      src.shape[0] >= 1 &&
      shapeText(src.shape.slice(1)) === shapeText(inp.shape.slice(1));
    if (!rowsOk) {
      const rowsHint = inp.shape[0] === 1 ? ` or [N,${inp.shape.slice(1).join(',')}]` : '';
      throw new UsageError(
        `input ${i} '${inp.name}' expects shape ${shapeText(inp.shape)}${rowsHint}, got ${shapeText(src.shape)} (${src.path})`,
      );
    }
    perRow.push(true);
    counts.set(inp.name, src.shape[0]);
  });
  const distinct = new Set(counts.values());
  if (distinct.size > 1) {
    const list = [...counts].map(([n, c]) => `'${n}' ${c}`).join(', ');
    throw new UsageError(`inputs have different numbers of rows: ${list}`);
  }
  return { rows: distinct.size === 1 ? [...distinct][0] : 1, perRow };
}

/**
 * The shape of an output stacked over `rows` runs: the leading 1 becomes `rows`, or, where the
 * output has no leading 1, a new leading axis of `rows` is added. With one run the shape is kept.
 */
export function stackedShape(shape, rows, batched) {
  if (!batched) return shape;
  return shape.length > 0 && shape[0] === 1 ? [rows, ...shape.slice(1)] : [rows, ...shape];
}

/**
 * Rows `start` … `start + count - 1` of `src` as the raw bytes of model input `index`: as stored,
 * or int64 narrowed to an int32 input's type.
 * @throws {UsageError} naming the input and the first value outside int32's range
 */
export function readInput(inp, index, src, start, count) {
  const bytes = src.readRows(start, count);
  if (!narrows(src.dtype, inp.dtype)) return bytes;
  const wide = new BigInt64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const narrow = new Int32Array(wide.length);
  for (let k = 0; k < wide.length; k++) {
    const v = wide[k];
    if (v < INT32_MIN || v > INT32_MAX) {
      const at = start * (wide.length / count) + k;
      throw new UsageError(
        `input ${index} '${inp.name}' takes int32 and int64 value ${v} at element ${at} of ${src.path} does not fit`,
      );
    }
    narrow[k] = Number(v);
  }
  return new Uint8Array(narrow.buffer);
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

function narrows(from, to) {
  return from === 'int64' && to === 'int32';
}
