// `compare A.tflite B.tflite … [--rounds R] [--runs N] [--warmup N] [--seed S]`: latency of several
// models in one process, interleaved so that a loaded machine slows them alike.

import { randomTensor, seededRandom } from '../random.mjs';

/**
 * Loads every model, runs each `warmup` times, then `rounds` rounds in which every model runs
 * `runs` timed times in turn. Besides wall time, each run's CPU time (this process, user +
 * system) is recorded: LiteRT's Wasm runs on one thread, so CPU time is the model's own work even
 * when other programs share the cores.
 */
export async function compare(session, files, { rounds = 5, runs = 10, warmup = 5, seed = 0 }) {
  await session.start();
  const entries = [];
  for (const file of files) {
    const { model } = await session.model(file);
    const random = seededRandom(seed);
    const tensors = model.inputs.map((inp) => randomTensor(inp, random));
    for (let i = 0; i < warmup + 1; i++) await model.run(tensors);
    entries.push({ file, model, tensors, wall: [], cpu: [] });
  }
  for (let r = 0; r < rounds; r++) {
    for (const e of entries) {
      for (let i = 0; i < runs; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await e.model.run(e.tensors);
        e.wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        e.cpu.push((c.user + c.system) / 1000);
      }
    }
  }
  return {
    backend: 'litert-wasm',
    rounds,
    runs,
    warmup,
    models: entries.map((e) => ({
      model: e.file,
      min_ms: round(Math.min(...e.wall)),
      median_ms: round(median(e.wall)),
      cpu_min_ms: round(Math.min(...e.cpu)),
      cpu_median_ms: round(median(e.cpu)),
      runs_ms: e.wall.map(round),
    })),
  };
}

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
}

function round(ms) {
  return Math.round(ms * 1000) / 1000;
}
