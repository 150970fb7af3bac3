// `bench MODEL [--input a.npy …] [--warmup N] [--runs N]`: latency of LiteRT's CPU (Wasm) path.

import { planRows, readInput } from '../batch.mjs';
import { openNpy } from '../npy-file.mjs';
import { randomTensor, seededRandom } from '../random.mjs';

/**
 * Loads the model, runs it once (first_inference_ms), `warmup` untimed times, then `runs` timed
 * times. Inputs come from the files (their first row) or are random with a fixed seed.
 */
export async function bench(session, file, { inputs = [], warmup = 10, runs = 50, seed = 0 }) {
  const engine = await session.start();
  const { model, loadMs } = await session.model(file);
  let tensors;
  if (inputs.length > 0) {
    const sources = inputs.map((p) => openNpy(p));
    try {
      planRows(model.inputs, sources, file);
      tensors = model.inputs.map((inp, i) => ({ dtype: inp.dtype, shape: inp.shape, data: readInput(inp, i, sources[i], 0, 1) }));
    } finally {
      for (const s of sources) s.close();
    }
  } else {
    const random = seededRandom(seed);
    tensors = model.inputs.map((inp) => randomTensor(inp, random));
  }
  let firstMs = model.probeMs;
  if (firstMs === null) {
    const t0 = performance.now();
    await model.run(tensors);
    firstMs = performance.now() - t0;
  }
  for (let i = 0; i < warmup; i++) await model.run(tensors);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await model.run(tensors);
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    backend: 'litert-wasm',
    load_ms: round(loadMs),
    first_inference_ms: round(firstMs),
    runs_ms: times.map(round),
    mean_ms: round(times.reduce((a, b) => a + b, 0) / Math.max(times.length, 1)),
    median_ms: round((sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2),
    min_ms: round(sorted[0]),
    runtime_load_ms: round(session.runtimeLoadMs),
    wasm: session.wasmFile,
    threads: engine.wasm.getThreadCount?.() ?? 1,
    warmup,
    probe: model.probeMs !== null,
    inputs: inputs.length > 0 ? 'files' : `random(seed=${seed})`,
  };
}

function round(ms) {
  return Math.round(ms * 1000) / 1000;
}
