// Reads and writes NumPy .npy files (format versions 1.0-3.0): little-endian, C order, the dtypes
// in dtypes.mjs. A tensor here is {dtype, shape, data} where data is a Uint8Array of the raw
// little-endian bytes; typedView() gives numbers.

import { DTYPES, elementCount, shapeText } from './dtypes.mjs';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const BY_DESCR = new Map(DTYPES.map((d) => [d.descr, d]));
// NumPy writes '<u1'/'<i1'/'<b1' from some code paths and '=' for native order.
for (const d of DTYPES) {
  if (d.bytes === 1) BY_DESCR.set(`<${d.descr.slice(1)}`, d).set(`=${d.descr.slice(1)}`, d);
  else BY_DESCR.set(`=${d.descr.slice(1)}`, d);
}

/** A malformed or unsupported .npy file; `message` says what is wrong. */
export class NpyError extends Error {}

/**
 * Parses .npy bytes.
 * @param {Uint8Array} bytes
 * @returns {{dtype: string, shape: number[], data: Uint8Array}}
 */
export function decodeNpy(bytes) {
  const { dtype, shape, dataStart, nbytes } = decodeNpyHeader(bytes);
  if (bytes.length - dataStart < nbytes) {
    throw new NpyError(
      `.npy data is truncated: shape ${shapeText(shape)} ${dtype} needs ${nbytes} bytes, file has ${bytes.length - dataStart}`,
    );
  }
  return { dtype, shape, data: bytes.subarray(dataStart, dataStart + nbytes) };
}

/**
 * Parses the header at the start of `bytes` (which may hold only the header).
 * @returns {{dtype: string, shape: number[], dataStart: number, nbytes: number}}
 * @throws {NpyError} if the header is incomplete; `headerBytes(bytes)` says how much is needed
 */
export function decodeNpyHeader(bytes) {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError('not a .npy file (missing \\x93NUMPY magic)');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen;
  let start;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError('truncated .npy header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new NpyError(`unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (start + headerLen > bytes.length) throw new NpyError('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(start, start + headerLen),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText_ = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText_ === undefined) {
    throw new NpyError(`cannot parse .npy header ${JSON.stringify(header.trim())}`);
  }
  if (fortran === 'True') throw new NpyError('Fortran-ordered arrays are not supported; save a C-ordered array');
  const row = BY_DESCR.get(descr);
  if (!row) {
    const hint = descr.startsWith('>') ? ' (big-endian; save it little-endian)' : '';
    throw new NpyError(
      `unsupported dtype '${descr}'${hint}; expected one of ${DTYPES.map((d) => d.dtype).join(', ')}`,
    );
  }
  const shape = shapeText_
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw new NpyError(`bad dimension '${s}' in .npy shape`);
      return n;
    });
  const dataStart = start + headerLen;
  return { dtype: row.dtype, shape, dataStart, nbytes: elementCount(shape) * row.bytes };
}

/** How many leading bytes hold the whole header, given at least its first 12 bytes. */
export function headerBytes(prefix) {
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  return prefix[6] === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
}

/**
 * Serializes a tensor as a version 1.0 .npy file (header padded to a multiple of 64 bytes).
 * @param {{dtype: string, shape: number[], data: Uint8Array|ArrayBufferView}} tensor
 * @returns {Uint8Array}
 */
export function encodeNpy({ dtype, shape, data }) {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const header = encodeNpyHeader(dtype, shape);
  const nbytes = elementCount(shape) * DTYPES.find((d) => d.dtype === dtype).bytes;
  if (raw.byteLength !== nbytes) {
    throw new NpyError(`shape ${shapeText(shape)} ${dtype} needs ${nbytes} bytes, got ${raw.byteLength}`);
  }
  const out = new Uint8Array(header.length + nbytes);
  out.set(header, 0);
  out.set(raw, header.length);
  return out;
}

/** The header (magic, version 1.0, padded dict) of a .npy file holding `shape` of `dtype`. */
export function encodeNpyHeader(dtype, shape) {
  const row = DTYPES.find((d) => d.dtype === dtype);
  if (!row) throw new NpyError(`cannot write dtype '${dtype}'`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${row.descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}
