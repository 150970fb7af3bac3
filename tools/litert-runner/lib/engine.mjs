// Loads and runs .tflite models through LiteRT.js's Wasm bindings (the layer below its Tensor and
// CompiledModel classes, which only handle float32, int32 and uint8). Platform-neutral: used by
// the Node CLI and by the browser page. Not thread-safe; call delete() on what you compile.
//
//   const engine = new Engine(liteRt);                  // liteRt: from loadLiteRt()
//   const model = await engine.compile(bytes, {name: 'm.tflite'});
//   const [out] = await model.run([{dtype: 'float32', shape: [1, 4], data: bytes}]);
//   model.delete(); engine.delete();

import { DTYPES, dtypeByLiteRt, elementCount, shapeText } from './dtypes.mjs';
import { RuntimeFailure, UsageError } from './errors.mjs';
import { enlargeDynamicOutputs, NotTfliteError, readTfliteHeader, withoutSignatures } from './tflite-file.mjs';

/**
 * Room given to each dynamic output for the first (probe) run, see enlargeDynamicOutputs:
 * 8 times the bytes of all inputs, at least 4 MiB and at most 64 MiB unless `probeBytes` is given.
 * Growing Wasm memory costs time (about 1 s for 128 MiB), hence no larger by default.
 */
export function probeOutputBytes(header) {
  const inputBytes = header.inputs.reduce((a, i) => a + elementCount(i.shape) * (DTYPE_BYTES[i.dtype] ?? 8), 0);
  return Math.min(64 * MIB, Math.max(4 * MIB, 8 * inputBytes));
}

const MIB = 1024 * 1024;
/** LiteRT log lines saying that the model cannot run although compileModel returned. */
const UNPREPARED = /failed to prepare|failed to allocate tensors/i;
const DTYPE_BYTES = Object.fromEntries(DTYPES.map((d) => [d.dtype, d.bytes]));

/** A LiteRT runtime with its own CPU environment, plus a record of LiteRT's recent log lines. */
export class Engine {
  /**
   * @param liteRt the object loadLiteRt() resolves to
   * @param {{recentErrors?: () => string[]}} options where to find LiteRT's recent error lines
   */
  constructor(liteRt, { recentErrors = () => [] } = {}) {
    this.wasm = liteRt.liteRtWasm;
    this.recentErrors = recentErrors;
    this.environment = this.wasm.LiteRtEnvironment.create(null);
  }

  /**
   * Loads and compiles a model for the CPU (XNNPACK in Wasm). When an output has dynamic
   * dimensions, compiles an enlarged copy and runs it once on zeros (the probe) so that later runs
   * report real output shapes; see enlargeDynamicOutputs.
   * @param {Uint8Array} bytes the .tflite file
   * @param {{name?: string, numThreads?: number, probeBytes?: number}} options probeBytes
   *   overrides probeOutputBytes()
   * @returns {Promise<CompiledTflite>}
   */
  async compile(bytes, { name = 'model', numThreads = 1, probeBytes } = {}) {
    let header;
    try {
      header = readTfliteHeader(bytes, name);
    } catch (e) {
      if (e instanceof NotTfliteError) throw new UsageError(e.message);
      throw e;
    }
    const dynamic = header.outputs.some((o) => o.shapeSignature.some((d) => d < 0));
    const usable = header.signatureIgnored ? withoutSignatures(bytes, header) : bytes;
    const loadBytes = dynamic
      ? enlargeDynamicOutputs(usable, header, probeBytes ?? probeOutputBytes(header)).bytes
      : usable;
    const wasm = this.wasm;
    const ptr = wasm._malloc(loadBytes.byteLength);
    if (!ptr) throw new RuntimeFailure(`out of Wasm memory loading ${name} (${loadBytes.byteLength} bytes)`);
    wasm.HEAPU8.set(loadBytes, ptr);
    let model = null;
    let compiled = null;
    try {
      model = this.call(`LiteRT could not load ${name}`, () =>
        wasm.loadModel(this.environment, ptr, loadBytes.byteLength),
      );
      const options = { accelerator: 'wasm', cpuOptions: { numThreads }, gpuOptions: {}, webNNOptions: {} };
      compiled = await this.callAsync(`LiteRT could not compile ${name}`, () =>
        wasm.compileModel(this.environment, model, options),
      );
      const result = new CompiledTflite(this, name, header, ptr, model, compiled);
      if (dynamic) {
        const t0 = performance.now();
        await result.run(result.inputs.map(zeroTensor));
        result.probeMs = performance.now() - t0;
      }
      return result;
    } catch (e) {
      compiled?.delete();
      model?.delete();
      wasm._free(ptr);
      throw e;
    }
  }

  /** Runs a LiteRT call; turns its exceptions into RuntimeFailure naming `what`. */
  call(what, fn) {
    try {
      return fn();
    } catch (e) {
      throw this.failure(what, e);
    }
  }

  async callAsync(what, fn) {
    try {
      return await fn();
    } catch (e) {
      throw this.failure(what, e);
    }
  }

  /**
   * Throws when LiteRT logged, after the first `since` error lines, that a node failed to prepare:
   * LiteRT prepares on the first run, and that run then returns normally with the output buffers
   * unwritten (zeros or stale memory).
   */
  checkPrepared(what, since) {
    const errors = this.recentErrors();
    if (errors.slice(since).some((l) => UNPREPARED.test(l))) {
      // earlier lines (from compiling) usually name the operator at fault
      throw new RuntimeFailure(`${what}: ${errors.join('; ')}`);
    }
  }

  failure(what, e) {
    if (e instanceof UsageError || e instanceof RuntimeFailure) return e;
    // LiteRT's exception text is a list of source locations; its log has the reason.
    const logged = this.recentErrors().at(-1);
    const own = String(e?.message ?? e).split('\n')[0].trim();
    const reason = logged ?? own;
    return new RuntimeFailure(`${what}: ${reason || 'unknown error'}`);
  }

  delete() {
    this.environment.delete();
  }
}

/** A compiled model. Tensors are {dtype, shape, data} with data the raw little-endian bytes. */
export class CompiledTflite {
  constructor(engine, name, header, ptr, model, compiled) {
    this.engine = engine;
    this.name = name;
    this.ptr = ptr;
    this.model = model;
    this.compiled = compiled;
    this.probeMs = null;
    const signature = model.getSignature(0);
    const inputNames = vectorToArray(signature.inputNames());
    const outputNames = vectorToArray(signature.outputNames());
    signature.delete();
    this.inputs = inputNames.map((n, i) => describe(n, i, model.getInputTensorType(0, i), 'input', name));
    this.outputs = outputNames.map((n, i) => describe(n, i, model.getOutputTensorType(0, i), 'output', name));
    // The enlarged declared shapes of a probe-compiled model are not the model's: report the file's.
    for (const out of this.outputs) {
      const fromFile = header.outputs.find((o) => o.name === out.name) ?? header.outputs[out.index];
      if (fromFile && fromFile.shapeSignature.some((d) => d < 0)) {
        out.shape = fromFile.shape;
        out.shapeSignature = fromFile.shapeSignature;
      }
    }
    for (const inp of this.inputs) {
      const fromFile = header.inputs.find((o) => o.name === inp.name) ?? header.inputs[inp.index];
      if (fromFile) inp.shapeSignature = fromFile.shapeSignature;
    }
    this.inputBuffers = null;
    this.prepared = false;
  }

  /**
   * Runs the model once.
   * @param {{dtype: string, shape: number[], data: Uint8Array}[]} tensors in input order, each
   *   with exactly the input's dtype and shape
   * @returns {Promise<{index: number, name: string, dtype: string, shape: number[], data: Uint8Array}[]>}
   */
  async run(tensors) {
    const wasm = this.engine.wasm;
    this.checkInputs(tensors);
    this.inputBuffers ??= this.inputs.map((inp) => this.createBuffer(inp));
    tensors.forEach((t, i) => {
      const buffer = this.inputBuffers[i];
      const at = buffer.lock(wasm.LiteRtTensorBufferLockMode.WRITE);
      try {
        wasm.HEAPU8.set(t.data, at);
      } finally {
        buffer.unlock();
      }
    });
    const errorsBefore = this.prepared ? 0 : this.engine.recentErrors().length;
    const outs = await this.engine.callAsync(`LiteRT failed running ${this.name}`, () =>
      this.compiled.run(0, this.inputBuffers),
    );
    if (!this.prepared) {
      // LiteRT prepares the graph on the first run
      try {
        this.engine.checkPrepared(`LiteRT could not prepare ${this.name}`, errorsBefore);
      } catch (e) {
        for (const b of outs) b.delete();
        throw e;
      }
      this.prepared = true;
    }
    try {
      return outs.map((buffer, i) => this.readOutput(buffer, i));
    } finally {
      for (const b of outs) b.delete();
    }
  }

  checkInputs(tensors) {
    if (tensors.length !== this.inputs.length) {
      throw new UsageError(
        `${this.name} has ${this.inputs.length} input(s) (${this.inputs.map((i) => i.name).join(', ')}), got ${tensors.length}`,
      );
    }
    tensors.forEach((t, i) => {
      const inp = this.inputs[i];
      if (t.dtype !== inp.dtype) {
        throw new UsageError(`input ${i} '${inp.name}' expects dtype ${inp.dtype}, got ${t.dtype}`);
      }
      if (shapeText(t.shape) !== shapeText(inp.shape)) {
        throw new UsageError(
          `input ${i} '${inp.name}' expects shape ${shapeText(inp.shape)}, got ${shapeText(t.shape)}`,
        );
      }
    });
  }

  createBuffer(inp) {
    const wasm = this.engine.wasm;
    const dims = new wasm.VectorInt32();
    for (const d of inp.shape) dims.push_back(d);
    const layout = wasm.LiteRtLayout.create(dims);
    dims.delete();
    const type = wasm.LiteRtRankedTensorType.create({ value: inp.liteRtType }, layout);
    layout.delete();
    try {
      return this.engine.call(`LiteRT could not allocate input '${inp.name}'`, () =>
        wasm.LiteRtTensorBuffer.createManaged(
          this.engine.environment,
          wasm.LiteRtTensorBufferType.HOST_MEMORY,
          type,
          type.bytes(),
        ),
      );
    } finally {
      type.delete();
    }
  }

  readOutput(buffer, index) {
    const wasm = this.engine.wasm;
    const out = this.outputs[index];
    const type = buffer.tensorType();
    const elementType = type.elementType().value;
    const layout = type.layout();
    const shape = vectorToArray(layout.dimensions());
    layout.delete();
    type.delete();
    const row = dtypeByLiteRt(elementType);
    if (!row) throw new RuntimeFailure(`output '${out.name}' of ${this.name} has unsupported element type ${elementType}`);
    const nbytes = elementCount(shape) * row.bytes;
    if (nbytes > buffer.size() || buffer.offset() !== 0) {
      const hint = out.shapeSignature?.some((d) => d < 0)
        ? '; rerun with a larger --probe-mib'
        : '; the file declares a wrong output shape';
      throw new RuntimeFailure(
        `output '${out.name}' of ${this.name} has shape ${shapeText(shape)} (${nbytes} bytes) but LiteRT gave it a ${buffer.size()}-byte buffer (declared shape ${shapeText(out.shape)})${hint}`,
      );
    }
    const at = buffer.lock(wasm.LiteRtTensorBufferLockMode.READ);
    try {
      const data = wasm.HEAPU8.slice(at, at + nbytes);
      return { index, name: out.name, dtype: row.dtype, shape, data };
    } finally {
      buffer.unlock();
    }
  }

  delete() {
    for (const b of this.inputBuffers ?? []) b.delete();
    this.inputBuffers = null;
    this.compiled.delete();
    this.model.delete();
    this.engine.wasm._free(this.ptr);
  }
}

function describe(name, index, type, kind, modelName) {
  const elementType = type.elementType().value;
  const layout = type.layout();
  const shape = vectorToArray(layout.dimensions());
  layout.delete();
  type.delete();
  const row = dtypeByLiteRt(elementType);
  if (!row) {
    throw new UsageError(`${kind} ${index} '${name}' of ${modelName} has element type ${elementType}, which the runner does not support`);
  }
  return { index, name, shape, dtype: row.dtype, liteRtType: elementType };
}

/** A tensor of zeros with an input's dtype and shape. */
export function zeroTensor(inp) {
  const nbytes = elementCount(inp.shape) * (dtypeByLiteRt(inp.liteRtType)?.bytes ?? 1);
  return { dtype: inp.dtype, shape: inp.shape, data: new Uint8Array(nbytes) };
}

function vectorToArray(vector) {
  const out = [];
  for (let i = 0; i < vector.size(); i++) out.push(vector.get(i));
  vector.delete();
  return out;
}
