// `run MODEL --input a.npy … --out DIR` and `run --batch-file JOBS.json`.

import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { planRows, readInput, stackedShape } from '../batch.mjs';
import { shapeText } from '../dtypes.mjs';
import { RunnerError, RuntimeFailure, UsageError } from '../errors.mjs';
import { NpyWriter, openNpy } from '../npy-file.mjs';

/**
 * Runs one job: reads the inputs, runs the model once per row, writes DIR/output_<i>.npy.
 * @returns {{outputs: {index: number, name: string, shape: number[], dtype: string, path: string}[], rows: number}}
 */
export async function runJob(session, { model: file, inputs, out }) {
  const sources = [];
  const writers = [];
  try {
    for (const p of inputs) sources.push(openNpy(p));
    const { model } = await session.model(file);
    const { rows, perRow } = planRows(model.inputs, sources, file);
    const batched = perRow.some(Boolean);
    const whole = sources.map((s, i) => (perRow[i] ? null : readInput(model.inputs[i], i, s, 0, s.shape[0] ?? 1)));
    mkdirOut(out);
    let first = null;
    for (let r = 0; r < rows; r++) {
      const tensors = model.inputs.map((inp, i) => ({
        dtype: inp.dtype,
        shape: inp.shape,
        data: perRow[i] ? readInput(inp, i, sources[i], r, 1) : whole[i],
      }));
      const results = await model.run(tensors);
      if (first === null) {
        first = results.map((o) => ({ name: o.name, dtype: o.dtype, shape: o.shape }));
        results.forEach((o, i) => {
          const file_ = path.resolve(out, `output_${i}.npy`);
          writers.push(new NpyWriter(file_, o.dtype, stackedShape(o.shape, rows, batched)));
        });
      }
      results.forEach((o, i) => {
        if (shapeText(o.shape) !== shapeText(first[i].shape)) {
          throw new RuntimeFailure(
            `output ${i} '${o.name}' changed shape between rows: ${shapeText(first[i].shape)} on row 0, ${shapeText(o.shape)} on row ${r}`,
          );
        }
        writers[i].write(o.data);
      });
    }
    for (const w of writers) w.commit();
    return {
      outputs: first.map((o, i) => ({
        index: i,
        name: o.name,
        shape: stackedShape(o.shape, rows, batched),
        dtype: o.dtype,
        path: writers[i].file,
      })),
      rows,
    };
  } finally {
    for (const w of writers) if (w.fd !== null) w.abort();
    for (const s of sources) s.close();
  }
}

function mkdirOut(out) {
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create output folder ${out}: ${e.code ?? e.message}`);
  }
}

/**
 * Reads and checks a jobs file: a JSON list of {"model": path, "inputs": [paths], "out": dir}.
 * Relative paths are taken from the jobs file's folder.
 */
export function readJobs(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read batch file ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code ?? e.message}`);
  }
  let jobs;
  try {
    jobs = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`batch file ${file} is not valid JSON: ${e.message}`);
  }
  if (!Array.isArray(jobs)) throw new UsageError(`batch file ${file} must hold a JSON list of jobs`);
  const base = path.dirname(path.resolve(file));
  return jobs.map((job, k) => {
    const where = `batch file ${file}, job ${k}`;
    if (job === null || typeof job !== 'object') throw new UsageError(`${where}: expected an object`);
    const unknown = Object.keys(job).filter((key) => !['model', 'inputs', 'out'].includes(key));
    if (unknown.length) throw new UsageError(`${where}: unknown key '${unknown[0]}', expected model, inputs, out`);
    if (typeof job.model !== 'string') throw new UsageError(`${where}: "model" must be a path`);
    if (!Array.isArray(job.inputs) || job.inputs.some((p) => typeof p !== 'string')) {
      throw new UsageError(`${where}: "inputs" must be a list of .npy paths`);
    }
    if (typeof job.out !== 'string') throw new UsageError(`${where}: "out" must be a folder path`);
    return {
      model: path.resolve(base, job.model),
      inputs: job.inputs.map((p) => path.resolve(base, p)),
      out: path.resolve(base, job.out),
    };
  });
}

/**
 * Runs every job in order, sharing one runtime and compiling each model once. Yields one result
 * per job: {job, model, outputs, rows} or {job, model, error, status}. After a runtime failure the
 * runtime is restarted, so a crash in one model cannot leak into the next job.
 */
export async function* runJobs(session, jobs) {
  for (const [k, job] of jobs.entries()) {
    try {
      yield { job: k, model: job.model, ...(await runJob(session, job)) };
    } catch (e) {
      if (!(e instanceof RunnerError)) throw e;
      if (e instanceof RuntimeFailure) await session.restart();
      yield { job: k, model: job.model, error: e.message, status: e.status };
    }
  }
}
