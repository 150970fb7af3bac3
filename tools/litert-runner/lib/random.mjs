// Seeded random tensors for benchmarks (platform-neutral).

import { dtypeByName, elementCount, bytesOf } from './dtypes.mjs';

/** mulberry32: a small seeded generator of floats in [0, 1). */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random tensor for an input: floats uniform in [-1, 1); int8, uint8 and int16 over their
 * whole range (quantized activations); other integer types and bool 0 or 1, which is a valid
 * index for any lookup.
 */
export function randomTensor({ dtype, shape }, random) {
  const n = elementCount(shape);
  const row = dtypeByName(dtype);
  let array;
  switch (dtype) {
    case 'float32':
    case 'float64':
      array = new row.array(n).map(() => random() * 2 - 1);
      break;
    case 'int8':
      array = new Int8Array(n).map(() => Math.floor(random() * 256) - 128);
      break;
    case 'uint8':
      array = new Uint8Array(n).map(() => Math.floor(random() * 256));
      break;
    case 'int16':
      array = new Int16Array(n).map(() => Math.floor(random() * 65536) - 32768);
      break;
    case 'int64':
    case 'uint64':
      array = new row.array(n).map(() => BigInt(random() < 0.5 ? 0 : 1));
      break;
    case 'float16': {
      // 0x3800 = 0.5, 0xb800 = -0.5: exact halves, no float16 conversion needed.
      array = new Uint16Array(n).map(() => (random() < 0.5 ? 0x3800 : 0xb800));
      break;
    }
    default:
      array = new (row?.array ?? Uint8Array)(n * (row?.array ? 1 : row?.bytes ?? 1)).map(() => (random() < 0.5 ? 0 : 1));
  }
  return { dtype, shape, data: bytesOf(array) };
}
