// Reads the parts of a .tflite flatbuffer that the runner needs (tensor names, types, shapes,
// shape signatures, quantization, signature order) without loading LiteRT. Field numbers follow
// TensorFlow Lite's schema.fbs (Model, SubGraph, Tensor, QuantizationParameters, SignatureDef).

/** TFLite TensorType enum value → dtype name used in the runner's JSON and in .npy files. */
export const TFLITE_TYPES = Object.freeze([
  'float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16', 'complex64',
  'int8', 'float64', 'complex128', 'uint64', 'resource', 'variant', 'uint32', 'uint16', 'int4',
  'bfloat16',
]);

/** Thrown for files that are not TFLite flatbuffers; `message` names the file and the reason. */
export class NotTfliteError extends Error {}

/**
 * Parses the model header.
 * @param {Uint8Array} bytes the whole file
 * @param {string} name used in error messages
 * @returns {{inputs: TensorInfo[], outputs: TensorInfo[], description: string|null}}
 *   where TensorInfo is {name, shape, shapeSignature, dtype, quantization}
 */
export function readTfliteHeader(bytes, name = 'model') {
  if (bytes.length < 8) throw new NotTfliteError(`${name} is not a TFLite file (${bytes.length} bytes)`);
  const ident = String.fromCharCode(...bytes.subarray(4, 8));
  if (ident !== 'TFL3') {
    throw new NotTfliteError(`${name} is not a TFLite file (file identifier '${printable(ident)}', expected 'TFL3')`);
  }
  const fb = new FlatBuffer(bytes, name);
  try {
    return parseModel(fb);
  } catch (e) {
    if (e instanceof NotTfliteError) throw e;
    throw new NotTfliteError(`${name} is not a valid TFLite file (${e.message})`);
  }
}

function parseModel(fb) {
  const model = fb.root();
  const subgraphs = fb.tables(model, 2);
  if (subgraphs.length === 0) throw new NotTfliteError(`${fb.name} has no subgraphs`);
  const signatures = fb.tables(model, 7);
  // LiteRT runs the first signature when there is one; otherwise subgraph 0 with its own order.
  let graphIndex = 0;
  let inputIdx;
  let outputIdx;
  let inputNames = null;
  let outputNames = null;
  if (signatures.length > 0) {
    const sig = signatures[0];
    graphIndex = fb.u32(sig, 4, 0);
    const ins = fb.tables(sig, 0);
    const outs = fb.tables(sig, 1);
    inputIdx = ins.map((m) => fb.u32(m, 1, 0));
    outputIdx = outs.map((m) => fb.u32(m, 1, 0));
    inputNames = ins.map((m) => fb.string(m, 0));
    outputNames = outs.map((m) => fb.string(m, 0));
  }
  const graph = subgraphs[graphIndex];
  if (!graph) throw new NotTfliteError(`${fb.name}: signature refers to missing subgraph ${graphIndex}`);
  const tensors = fb.tables(graph, 0);
  // A signature that names no tensor, or tensors other than the subgraph's inputs and outputs
  // (converters that strip the float boundary of int8 models leave such signatures), makes
  // LiteRT fail at run time ("Output name (null) was not found"): run the subgraph's own I/O.
  let signatureIgnored = false;
  if (signatures.length > 0) {
    const named = [...inputNames, ...outputNames].every((n) => n !== null && n !== '');
    if (!named || !sameSet(inputIdx, fb.ints(graph, 1)) || !sameSet(outputIdx, fb.ints(graph, 2))) {
      signatureIgnored = true;
      graphIndex = 0;
      inputIdx = undefined;
      outputIdx = undefined;
      inputNames = null;
      outputNames = null;
    }
  }
  const ioGraph = subgraphs[graphIndex];
  inputIdx ??= fb.ints(ioGraph, 1);
  outputIdx ??= fb.ints(ioGraph, 2);
  const info = (i, sigName) => {
    const t = tensors[i];
    if (!t) throw new NotTfliteError(`${fb.name}: tensor index ${i} out of range`);
    const shape = fb.ints(t, 0);
    const sigShape = fb.has(t, 7) ? fb.ints(t, 7) : shape;
    const q = fb.table(t, 4);
    let quantization = null;
    if (q) {
      const scale = fb.floats(q, 2);
      const zeroPoint = fb.longs(q, 3);
      if (scale.length > 0) quantization = { scale, zeroPoint };
    }
    return {
      name: sigName ?? fb.string(t, 3),
      tensorName: fb.string(t, 3),
      shape,
      shapeSignature: sigShape,
      dtype: TFLITE_TYPES[fb.u8(t, 1, 0)] ?? `type${fb.u8(t, 1, 0)}`,
      quantization,
      shapeOffset: fb.vector(t, 0)?.start ?? -1,
    };
  };
  return {
    inputs: inputIdx.map((i, k) => info(i, inputNames?.[k])),
    outputs: outputIdx.map((i, k) => info(i, outputNames?.[k])),
    description: fb.string(model, 3),
    signatureIgnored,
    signatureSlot: signatureIgnored ? fb.slot(model, 7) : -1,
  };
}

function sameSet(a, b) {
  return a.length === b.length && [...a].sort((x, y) => x - y).every((v, i) => v === [...b].sort((x, y) => x - y)[i]);
}

/**
 * Returns a copy of the file without its signature defs (the Model table's field marked absent),
 * for files whose signature does not match the subgraph's inputs and outputs; LiteRT then runs
 * the subgraph with its tensors' own names.
 */
export function withoutSignatures(bytes, header) {
  const copy = bytes.slice();
  if (header.signatureSlot >= 0) new DataView(copy.buffer, copy.byteOffset, copy.byteLength).setUint16(header.signatureSlot, 0, true);
  return copy;
}

/**
 * Returns a copy of the file in which the declared shape of every output that has a dynamic
 * dimension (-1 in its shape signature) is enlarged to hold `capBytes`: the first dynamic
 * dimension takes the room, the others become 1. Shape signatures are left as they are.
 *
 * Why: LiteRT.js sizes the output buffers of the first run from the declared shapes, which
 * converters write as placeholders (e.g. [1,1,4] for [1,4420,4]); the first run then writes past
 * the buffer. With room to spare the first run is safe, and from the second run on LiteRT reports
 * the computed shapes.
 * @returns {{bytes: Uint8Array, enlarged: string[]}} the copy and the names of the outputs changed
 */
export function enlargeDynamicOutputs(bytes, header, capBytes) {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
  const enlarged = [];
  for (const out of header.outputs) {
    const dyn = out.shapeSignature.flatMap((d, i) => (d < 0 ? [i] : []));
    if (dyn.length === 0 || out.shapeOffset < 0 || out.shape.length !== out.shapeSignature.length) continue;
    const width = ELEMENT_BYTES[out.dtype] ?? 8;
    const fixed = out.shape.reduce((a, d, i) => (dyn.includes(i) ? a : a * Math.max(d, 1)), 1);
    const room = Math.max(1, Math.min(0x7fffffff, Math.floor(capBytes / (width * fixed))));
    dyn.forEach((i, k) => view.setInt32(out.shapeOffset + 4 * i, k === 0 ? room : 1, true));
    enlarged.push(out.name);
  }
  return { bytes: copy, enlarged };
}

/**
 * Returns a copy of the file whose outputs declare the given shapes (same ranks as declared),
 * e.g. the shapes LiteRT computed after a probe. Outputs not named in `shapes` are unchanged.
 * @param {Map<string, number[]>} shapes by output name
 */
export function withOutputShapes(bytes, header, shapes) {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
  for (const out of header.outputs) {
    const shape = shapes.get(out.name);
    if (!shape) continue;
    if (shape.length !== out.shape.length || out.shapeOffset < 0) {
      throw new NotTfliteError(`output '${out.name}' declares rank ${out.shape.length} but has shape [${shape.join(',')}]`);
    }
    shape.forEach((d, i) => view.setInt32(out.shapeOffset + 4 * i, d, true));
  }
  return copy;
}

const ELEMENT_BYTES = {
  float32: 4, float16: 2, int32: 4, uint8: 1, int64: 8, bool: 1, int16: 2, int8: 1, float64: 8,
  uint64: 8, uint32: 4, uint16: 2, bfloat16: 2,
};

function printable(s) {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

/** Minimal read-only flatbuffer accessor with bounds checks. */
class FlatBuffer {
  constructor(bytes, name) {
    this.bytes = bytes;
    this.name = name;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  check(pos, len) {
    if (pos < 0 || pos + len > this.bytes.length) throw new Error(`offset ${pos} outside the file`);
  }
  i32(pos) { this.check(pos, 4); return this.view.getInt32(pos, true); }
  root() { return this.i32(0); }
  field(table, id) {
    const vt = table - this.i32(table);
    this.check(vt, 4);
    const vtSize = this.view.getUint16(vt, true);
    const slot = 4 + 2 * id;
    if (slot + 2 > vtSize) return 0;
    const off = this.view.getUint16(vt + slot, true);
    return off === 0 ? 0 : table + off;
  }
  has(table, id) { return this.field(table, id) !== 0; }
  /** The position of a field's vtable entry, or -1 when the vtable has none. */
  slot(table, id) {
    const vt = table - this.i32(table);
    const slot = 4 + 2 * id;
    return slot + 2 > this.view.getUint16(vt, true) ? -1 : vt + slot;
  }
  u8(table, id, dflt) { const p = this.field(table, id); if (!p) return dflt; this.check(p, 1); return this.bytes[p]; }
  u32(table, id, dflt) { const p = this.field(table, id); return p ? this.i32(p) >>> 0 : dflt; }
  ref(p) { return p + (this.i32(p) >>> 0); }
  table(table, id) { const p = this.field(table, id); return p ? this.ref(p) : null; }
  vector(table, id) {
    const p = this.field(table, id);
    if (!p) return null;
    const v = this.ref(p);
    return { start: v + 4, length: this.i32(v) >>> 0 };
  }
  tables(table, id) {
    const v = this.vector(table, id);
    if (!v) return [];
    return Array.from({ length: v.length }, (_, i) => this.ref(v.start + 4 * i));
  }
  ints(table, id) {
    const v = this.vector(table, id);
    if (!v) return [];
    this.check(v.start, 4 * v.length);
    return Array.from({ length: v.length }, (_, i) => this.view.getInt32(v.start + 4 * i, true));
  }
  floats(table, id) {
    const v = this.vector(table, id);
    if (!v) return [];
    this.check(v.start, 4 * v.length);
    return Array.from({ length: v.length }, (_, i) => this.view.getFloat32(v.start + 4 * i, true));
  }
  longs(table, id) {
    const v = this.vector(table, id);
    if (!v) return [];
    this.check(v.start, 8 * v.length);
    return Array.from({ length: v.length }, (_, i) => Number(this.view.getBigInt64(v.start + 8 * i, true)));
  }
  string(table, id) {
    const p = this.field(table, id);
    if (!p) return null;
    const s = this.ref(p);
    const len = this.i32(s) >>> 0;
    this.check(s + 4, len);
    return new TextDecoder().decode(this.bytes.subarray(s + 4, s + 4 + len));
  }
}
