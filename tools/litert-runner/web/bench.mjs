// The browser benchmark page: loads LiteRT.js, fetches the model named in the query string,
// times loading, the first inference and N runs, shows the result and POSTs it to /result.
// Served as laid out in routes.json (this file at /bench.mjs, ../lib at /lib).
//
// Query: model (URL, required), runs (50), warmup (10), accelerator (wasm | webgpu), seed (0).
// WebGPU is used when asked for and navigator.gpu gives a device; otherwise the CPU (Wasm) path
// runs and the result says why in fallback_reason.

import { loadAndCompile, loadLiteRt, Tensor } from '@litertjs/core';
import { Engine } from './lib/engine.mjs';
import { dtypeByName } from './lib/dtypes.mjs';
import { randomTensor, seededRandom } from './lib/random.mjs';
import { readTfliteHeader, withOutputShapes } from './lib/tflite-file.mjs';

const WASM_DIR = new URL('./litert-wasm/', location.href).href;
const RESULT_URL = new URL('./result', location.href).href;
const logLines = [];

function log(line) {
  logLines.push(String(line));
  document.getElementById('log').textContent = logLines.join('\n');
}

function intParam(params, name, dflt, min) {
  const text = params.get(name);
  if (text === null || text === '') return dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`query parameter ${name} must be an integer >= ${min}, got '${text}'`);
  return n;
}

function settings() {
  const params = new URLSearchParams(location.search);
  const model = params.get('model');
  if (!model) throw new Error('query parameter model is missing, e.g. ?model=/model.tflite');
  const accelerator = params.get('accelerator') ?? 'wasm';
  if (!['wasm', 'webgpu'].includes(accelerator)) {
    throw new Error(`query parameter accelerator must be wasm or webgpu, got '${accelerator}'`);
  }
  return {
    model: new URL(model, location.href).href,
    runs: intParam(params, 'runs', 50, 1),
    warmup: intParam(params, 'warmup', 10, 0),
    seed: intParam(params, 'seed', 0, 0),
    accelerator,
  };
}

async function fetchModel(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`model ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const round = (ms) => Math.round(ms * 1000) / 1000;

/** Times `first` once, then warmup untimed and runs timed calls of `step`. */
async function timeRuns(step, { warmup, runs }, firstMs) {
  let first = firstMs;
  if (first === null) {
    const t0 = performance.now();
    await step();
    first = performance.now() - t0;
  }
  for (let i = 0; i < warmup; i++) await step();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  return { first, times };
}

/** CPU path: the runner's engine over LiteRT's Wasm bindings, as in `node cli.mjs bench`. */
async function benchWasm(liteRt, s, bytes, fetchMs) {
  const engine = new Engine(liteRt, { recentErrors: () => logLines.filter((l) => l.includes('ERROR')) });
  const t0 = performance.now();
  const model = await engine.compile(bytes, { name: s.model });
  const loadMs = fetchMs + performance.now() - t0 - (model.probeMs ?? 0);
  const random = seededRandom(s.seed);
  const tensors = model.inputs.map((inp) => randomTensor(inp, random));
  const { first, times } = await timeRuns(() => model.run(tensors), s, model.probeMs);
  model.delete();
  engine.delete();
  return { backend: 'litert-wasm', accelerator: 'wasm', loadMs, first, times, probe: model.probeMs !== null };
}

/**
 * WebGPU path: LiteRT.js's CompiledModel. Outputs are read back to the CPU inside each timed run,
 * so a run covers the GPU's work, not only its submission. Where outputs have dynamic shapes, the
 * CPU engine first finds the real shapes and the model is given them (see withOutputShapes).
 */
async function benchWebGpu(liteRt, s, bytes, fetchMs) {
  const header = readTfliteHeader(bytes, s.model);
  for (const t of [...header.inputs, ...header.outputs]) {
    if (!['float32', 'int32', 'uint8'].includes(t.dtype)) {
      return { fallback: `LiteRT.js's WebGPU path takes float32, int32 and uint8 tensors; '${t.name}' is ${t.dtype}` };
    }
  }
  let gpuBytes = bytes;
  if (header.outputs.some((o) => o.shapeSignature.some((d) => d < 0))) {
    const engine = new Engine(liteRt);
    const cpu = await engine.compile(bytes, { name: s.model });
    const outs = await cpu.run(cpu.inputs.map((inp) => randomTensor(inp, seededRandom(0))));
    gpuBytes = withOutputShapes(bytes, header, new Map(outs.map((o) => [o.name, o.shape])));
    cpu.delete();
    engine.delete();
  }
  const t0 = performance.now();
  const model = await loadAndCompile(gpuBytes, { accelerator: 'webgpu' });
  const loadMs = fetchMs + performance.now() - t0;
  const random = seededRandom(s.seed);
  const tensors = model.getInputDetails().map((d) => {
    const t = randomTensor({ dtype: d.dtype, shape: Array.from(d.shape) }, random);
    const Array_ = dtypeByName(d.dtype).array;
    return new Tensor(new Array_(t.data.buffer, t.data.byteOffset, t.data.byteLength / Array_.BYTES_PER_ELEMENT), Array.from(d.shape));
  });
  const step = async () => {
    const outs = await model.run(tensors);
    for (const o of outs) {
      await o.data();
      o.delete();
    }
  };
  const { first, times } = await timeRuns(step, s, null);
  const fully = model.isFullyAccelerated;
  for (const t of tensors) t.delete();
  model.delete();
  return { backend: 'litert-webgpu', accelerator: 'webgpu', loadMs, first, times, probe: false, fully_accelerated: fully };
}

async function webGpuAvailable() {
  if (!navigator.gpu) return 'navigator.gpu is absent (WebGPU not supported or not enabled)';
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return 'navigator.gpu.requestAdapter() gave no adapter';
  } catch (e) {
    return `navigator.gpu.requestAdapter() failed: ${e.message}`;
  }
  return null;
}

async function main() {
  const s = settings();
  const result = {
    model: s.model,
    requested_accelerator: s.accelerator,
    userAgent: navigator.userAgent,
    warmup: s.warmup,
  };
  let fallback = s.accelerator === 'webgpu' ? await webGpuAvailable() : null;
  const useGpu = s.accelerator === 'webgpu' && fallback === null;
  // LiteRT's log goes to the page, not the console (its INFO lines would read as errors there).
  self.Module = { print: log, printErr: log };
  const t0 = performance.now();
  const jspi = useGpu && 'Suspending' in WebAssembly;
  const liteRt = await loadLiteRt(WASM_DIR, jspi ? { jspi: true } : {});
  result.runtime_load_ms = round(performance.now() - t0);
  const t1 = performance.now();
  const bytes = await fetchModel(s.model);
  const fetchMs = performance.now() - t1;
  let r = null;
  if (useGpu) {
    try {
      r = await benchWebGpu(liteRt, s, bytes, fetchMs);
    } catch (e) {
      const logged = logLines.filter((l) => /ERROR|WARNING/.test(l) && !/npu_registry/.test(l)).at(-1);
      r = { fallback: `WebGPU could not run the model: ${(logged ?? String(e?.message ?? e)).split('\n')[0]}` };
    }
    if (r.fallback) {
      fallback = r.fallback;
      r = null;
    }
  }
  r ??= await benchWasm(liteRt, s, bytes, fetchMs);
  const sorted = [...r.times].sort((a, b) => a - b);
  Object.assign(result, {
    backend: r.backend,
    accelerator: r.accelerator,
    load_ms: round(r.loadMs),
    first_inference_ms: round(r.first),
    runs_ms: r.times.map(round),
    mean_ms: round(r.times.reduce((a, b) => a + b, 0) / r.times.length),
    median_ms: round((sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2),
    min_ms: round(sorted[0]),
    probe: r.probe,
    jspi,
    cross_origin_isolated: self.crossOriginIsolated === true,
  });
  if (r.fully_accelerated !== undefined) result.fully_accelerated = r.fully_accelerated;
  if (fallback !== null) result.fallback_reason = fallback;
  return result;
}

async function report(result) {
  const text = JSON.stringify(result);
  document.getElementById('result').textContent = JSON.stringify(result, null, 2);
  const status = document.getElementById('status');
  status.textContent = result.error
    ? `Failed: ${result.error}`
    : `Done: ${result.accelerator}, mean ${result.mean_ms} ms over ${result.runs_ms.length} runs.`;
  status.className = result.error ? 'error' : '';
  window.benchResult = result;
  try {
    const response = await fetch(RESULT_URL, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text });
    status.textContent += response.ok ? ' Result sent.' : ` Sending the result failed: HTTP ${response.status}.`;
  } catch (e) {
    status.textContent += ` Sending the result failed: ${e.message}.`;
  }
  document.title = result.error ? 'failed' : 'done';
}

main().then(report, (e) =>
  report({ error: String(e?.message ?? e).split('\n')[0], userAgent: navigator.userAgent, model: location.search }),
);
