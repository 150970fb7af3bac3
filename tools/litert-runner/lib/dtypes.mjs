// The element types the runner moves between .npy files and LiteRT tensor buffers.

/**
 * One row per dtype: its LiteRT ElementType value (litert_model_types.h), its .npy descr, its
 * size in bytes and the TypedArray that holds it (null where JavaScript has none: the raw bytes
 * are then carried in a Uint8Array).
 */
export const DTYPES = Object.freeze([
  { dtype: 'float32', liteRt: 1, descr: '<f4', bytes: 4, array: Float32Array },
  { dtype: 'int32', liteRt: 2, descr: '<i4', bytes: 4, array: Int32Array },
  { dtype: 'uint8', liteRt: 3, descr: '|u1', bytes: 1, array: Uint8Array },
  { dtype: 'int64', liteRt: 4, descr: '<i8', bytes: 8, array: BigInt64Array },
  { dtype: 'bool', liteRt: 6, descr: '|b1', bytes: 1, array: Uint8Array },
  { dtype: 'int16', liteRt: 7, descr: '<i2', bytes: 2, array: Int16Array },
  { dtype: 'int8', liteRt: 9, descr: '|i1', bytes: 1, array: Int8Array },
  { dtype: 'float16', liteRt: 10, descr: '<f2', bytes: 2, array: null },
  { dtype: 'float64', liteRt: 11, descr: '<f8', bytes: 8, array: Float64Array },
  { dtype: 'uint64', liteRt: 13, descr: '<u8', bytes: 8, array: BigUint64Array },
  { dtype: 'uint32', liteRt: 16, descr: '<u4', bytes: 4, array: Uint32Array },
  { dtype: 'uint16', liteRt: 17, descr: '<u2', bytes: 2, array: Uint16Array },
]);

const BY_NAME = new Map(DTYPES.map((d) => [d.dtype, d]));
const BY_LITERT = new Map(DTYPES.map((d) => [d.liteRt, d]));

/** The dtype names a user may meet, for error messages. */
export const DTYPE_NAMES = DTYPES.map((d) => d.dtype);

/** @returns the row for a dtype name, or undefined. */
export function dtypeByName(name) {
  return BY_NAME.get(name);
}

/** @returns the row for a LiteRT ElementType value, or undefined. */
export function dtypeByLiteRt(value) {
  return BY_LITERT.get(value);
}

/** Number of elements of a shape (1 for a scalar). */
export function elementCount(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

/** Formats a shape the way messages and JSON show it: [1,240,320,3]. */
export function shapeText(shape) {
  return `[${shape.join(',')}]`;
}

/** Views `bytes` (a Uint8Array) as the dtype's TypedArray, copying only when misaligned. */
export function typedView(dtype, bytes) {
  const row = BY_NAME.get(dtype);
  if (!row?.array || row.array === Uint8Array) return bytes;
  const aligned = bytes.byteOffset % row.bytes === 0 ? bytes : bytes.slice();
  return new row.array(aligned.buffer, aligned.byteOffset, aligned.byteLength / row.bytes);
}

/** The raw little-endian bytes of a TypedArray (no copy). */
export function bytesOf(array) {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
