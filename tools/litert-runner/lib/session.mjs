// One LiteRT runtime for the life of the process, LiteRT's log kept in memory (and echoed to
// stderr with --verbose), and compiled models cached by path so a batch loads each file once.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Engine } from './engine.mjs';
import { UsageError } from './errors.mjs';
import { loadLiteRtForNode } from './node-litert.mjs';

const LOG_LINES = 200;

export class Session {
  /** @param {{verbose?: boolean, relaxedSimd?: boolean, probeBytes?: number}} options */
  constructor({ verbose = false, relaxedSimd = false, probeBytes } = {}) {
    this.verbose = verbose;
    this.relaxedSimd = relaxedSimd;
    this.probeBytes = probeBytes;
    this.log = [];
    this.engine = null;
    this.models = new Map();
    this.runtimeLoadMs = null;
    this.wasmFile = null;
    this.record = (line) => {
      const text = String(line);
      this.log.push(text);
      if (this.log.length > LOG_LINES) this.log.shift();
      if (this.verbose) process.stderr.write(`[litert] ${text}\n`);
    };
    // LiteRT.js and its glue print with console.*; stdout is reserved for the runner's JSON.
    for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
      console[level] = (...args) => this.record(args.map(String).join(' '));
    }
  }

  /** Loads the runtime on first use. */
  async start() {
    if (this.engine) return this.engine;
    const { liteRt, wasmFile, loadMs } = await loadLiteRtForNode({
      relaxedSimd: this.relaxedSimd,
      log: this.record,
    });
    this.liteRt = liteRt;
    this.wasmFile = wasmFile;
    this.runtimeLoadMs = loadMs;
    this.engine = new Engine(liteRt, {
      recentErrors: () => this.log.filter((l) => /\bERROR\b/.test(l)).map(stripLogPrefix),
    });
    return this.engine;
  }

  /**
   * The compiled model for a file, compiled on first use.
   * @returns {Promise<{model: import('./engine.mjs').CompiledTflite, loadMs: number, cached: boolean}>}
   */
  async model(file) {
    const key = path.resolve(file);
    const hit = this.models.get(key);
    if (hit) return { ...hit, cached: true };
    const engine = await this.start();
    const t0 = performance.now();
    const bytes = readModelFile(file);
    this.log.length = 0;
    const model = await engine.compile(bytes, { name: file, probeBytes: this.probeBytes });
    const loadMs = performance.now() - t0 - (model.probeMs ?? 0);
    const entry = { model, loadMs };
    this.models.set(key, entry);
    return { ...entry, cached: false };
  }

  /** Forgets a model (after a failure, so that a later job compiles it afresh). */
  forget(file) {
    const key = path.resolve(file);
    const hit = this.models.get(key);
    if (!hit) return;
    this.models.delete(key);
    try {
      hit.model.delete();
    } catch {
      // The runtime may be unusable after a failure; restart() follows.
    }
  }

  /** Drops every model and the engine; the next call to start() loads a fresh runtime. */
  async restart() {
    for (const key of [...this.models.keys()]) this.forget(key);
    try {
      this.engine?.delete();
    } catch {
      // as above
    }
    this.engine = null;
    const core = await import('@litertjs/core');
    try {
      core.unloadLiteRt();
    } catch {
      // nothing loaded
    }
  }

  close() {
    for (const key of [...this.models.keys()]) this.forget(key);
    this.engine?.delete();
    this.engine = null;
  }
}

/** Reads a model file; missing files and folders are the user's mistake (exit 2). */
export function readModelFile(file) {
  let stat;
  try {
    stat = statSync(file);
  } catch (e) {
    throw new UsageError(`cannot read model ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code ?? e.message}`);
  }
  if (!stat.isFile()) throw new UsageError(`model ${file} is not a file`);
  return new Uint8Array(readFileSync(file));
}

function stripLogPrefix(line) {
  return line.replace(/^\s*(└ )?ERROR:\s*/, '').replace(/^\[[^\]]*\]\s*/, '').trim();
}
