// Matches .npy inputs to a model's inputs and splits them into rows: a model input whose leading
// dimension is 1 accepts a file with N rows of the remaining shape, and the model runs once per
// row. A file with exactly the input's shape is used as is (and repeated on every row).

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
    if (src.dtype !== inp.dtype) {
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
