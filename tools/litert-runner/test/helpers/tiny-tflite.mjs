// Builds tiny .tflite files in memory for tests: one ADD or CONCATENATION of two inputs. Written front to back:
// every table or vector is placed before the objects it refers to, so offsets point forward as
// the flatbuffer format requires. Field numbers follow TensorFlow Lite's schema.fbs.

const TYPES = { float32: 0, int32: 2, uint8: 3, int64: 4, int16: 7, int8: 9 };
const BUILTIN_ADD = 0;
const OPTIONS_ADD = 11;
const BUILTIN_CONCATENATION = 2;
const OPTIONS_CONCATENATION = 10;

const table = (fields) => ({ kind: 'table', fields }); // fields: [[id, type, value]]
const vec = (elem, values) => ({ kind: 'vec', elem, values });
const tables = (items) => ({ kind: 'tables', items });
const str = (value) => ({ kind: 'vec', elem: 'u8', values: [...new TextEncoder().encode(value)], text: true });

const SIZE = { u8: 1, i8: 1, i32: 4, u32: 4, f32: 4, i64: 8 };

class Writer {
  constructor() {
    this.bytes = new Uint8Array(1 << 16);
    this.view = new DataView(this.bytes.buffer);
    this.pos = 0;
  }
  align(n) {
    while (this.pos % n) this.pos++;
  }
  scalar(type, at, v) {
    const w = this.view;
    ({
      u8: () => w.setUint8(at, v),
      i8: () => w.setInt8(at, v),
      i32: () => w.setInt32(at, v, true),
      u32: () => w.setUint32(at, v, true),
      f32: () => w.setFloat32(at, v, true),
      i64: () => w.setBigInt64(at, BigInt(v), true),
    })[type]();
  }
  /** Writes an object and the objects it refers to; returns its position. */
  put(obj) {
    if (obj.kind === 'vec') {
      const size = SIZE[obj.elem];
      this.align(4);
      while ((this.pos + 4) % Math.max(size, 4)) this.pos += 4;
      const at = this.pos;
      this.scalar('u32', at, obj.values.length);
      obj.values.forEach((v, i) => this.scalar(obj.elem, at + 4 + i * size, v));
      this.pos = at + 4 + obj.values.length * size + (obj.text ? 1 : 0);
      return at;
    }
    if (obj.kind === 'tables') {
      this.align(4);
      const at = this.pos;
      this.scalar('u32', at, obj.items.length);
      this.pos += 4 + 4 * obj.items.length;
      obj.items.forEach((item, i) => this.link(at + 4 + 4 * i, this.put(item)));
      return at;
    }
    // A table: vtable first, then the table (soffset, then 4-byte-aligned fields).
    const fields = obj.fields.filter(([, , v]) => v !== undefined);
    const maxId = Math.max(-1, ...fields.map(([id]) => id));
    let offset = 4;
    const layout = fields.map(([id, type, value]) => {
      const size = type === 'ref' ? 4 : SIZE[type];
      offset = Math.ceil(offset / size) * size;
      const entry = { id, type, value, offset };
      offset += size;
      return entry;
    });
    const tableSize = Math.ceil(offset / 4) * 4;
    this.align(2);
    const vt = this.pos;
    const vtSize = 4 + 2 * (maxId + 1);
    this.view.setUint16(vt, vtSize, true);
    this.view.setUint16(vt + 2, tableSize, true);
    for (const e of layout) this.view.setUint16(vt + 4 + 2 * e.id, e.offset, true);
    this.pos = vt + vtSize;
    this.align(8);
    const at = this.pos;
    this.scalar('i32', at, at - vt);
    this.pos = at + tableSize;
    for (const e of layout) {
      if (e.type === 'ref') this.link(at + e.offset, this.put(e.value));
      else this.scalar(e.type, at + e.offset, e.value);
    }
    return at;
  }
  link(from, to) {
    this.scalar('u32', from, to - from);
  }
}

/**
 * A model computing out = a + b for two inputs of one dtype and shape. Quantized dtypes (int8,
 * uint8) get scale 1 and zero point 0 on every tensor, so the sum is exact until it saturates.
 * @returns {Uint8Array}
 */
export function addModel({ dtype = 'float32', shape = [1, 4], names = ['a', 'b', 'sum'], signature } = {}) {
  const quantized = dtype === 'int8' || dtype === 'uint8';
  const tensors = names.map((name) => ({ name, shape, dtype, scale: quantized ? 1 : undefined }));
  return binaryModel(tensors, BUILTIN_ADD, OPTIONS_ADD, table([[0, 'i8', 0]]), signature);
}

/**
 * A model concatenating two int8 inputs of shape [1, 4] along axis 1, with the given scales of
 * a, b and the output (zero points 0). TFLite's int8 CONCATENATION needs all three equal: with
 * other scales the model loads but fails to prepare on its first run.
 * @returns {Uint8Array}
 */
export function concatInt8Model(scales = [1, 1, 1]) {
  const tensors = ['a', 'b', 'joined'].map((name, i) => ({
    name, shape: i < 2 ? [1, 4] : [1, 8], dtype: 'int8', scale: scales[i],
  }));
  return binaryModel(tensors, BUILTIN_CONCATENATION, OPTIONS_CONCATENATION, table([[0, 'i32', 1]]));
}

/**
 * One operator of two inputs and one output; tensors: [{name, shape, dtype, scale?}] × 3 (indices
 * 0, 1: inputs, 2: output). `signature`: {inputs, outputs} as [[name or null, tensor index]], a
 * signature def written as given (none when absent).
 */
function binaryModel(specs, builtin, optionsType, options, signature) {
  const tensor = ({ name, shape, dtype, scale }) =>
    table([
      [0, 'ref', vec('i32', shape)],
      [1, 'i8', TYPES[dtype]],
      [2, 'u32', 0],
      [3, 'ref', str(name)],
      [4, 'ref', scale !== undefined ? table([[2, 'ref', vec('f32', [scale])], [3, 'ref', vec('i64', [0])]]) : undefined],
    ]);
  const model = table([
    [0, 'u32', 3],
    [1, 'ref', tables([table([[0, 'i8', builtin], [2, 'i32', 1], [3, 'i32', builtin]])])],
    [
      2,
      'ref',
      tables([
        table([
          [0, 'ref', tables(specs.map(tensor))],
          [1, 'ref', vec('i32', [0, 1])],
          [2, 'ref', vec('i32', [2])],
          [
            3,
            'ref',
            tables([
              table([
                [0, 'u32', 0],
                [1, 'ref', vec('i32', [0, 1])],
                [2, 'ref', vec('i32', [2])],
                [3, 'u8', optionsType],
                [4, 'ref', options],
              ]),
            ]),
          ],
          [4, 'ref', str('main')],
        ]),
      ]),
    ],
    [3, 'ref', str('graft litert-runner test model')],
    [4, 'ref', tables([table([])])],
    [7, 'ref', signature ? tables([signatureDef(signature)]) : undefined],
  ]);
  const w = new Writer();
  w.pos = 8;
  const root = w.put(model);
  w.scalar('u32', 0, root);
  w.bytes.set(new TextEncoder().encode('TFL3'), 4);
  return w.bytes.slice(0, Math.ceil(w.pos / 8) * 8);
}

function signatureDef({ inputs, outputs }) {
  const map = ([name, index]) => table([[0, 'ref', name === null ? undefined : str(name)], [1, 'u32', index]]);
  return table([
    [0, 'ref', tables(inputs.map(map))],
    [1, 'ref', tables(outputs.map(map))],
    [2, 'ref', str('serving_default')],
    [4, 'u32', 0],
  ]);
}
