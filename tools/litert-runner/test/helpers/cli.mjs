// Runs cli.mjs as Graft's Java side does (a child process) and collects its output.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy } from '../../lib/npy.mjs';
import { bytesOf } from '../../lib/dtypes.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'cli.mjs');
// the repository's third-party models (fixtures/third_party/README.md names source and licence)
export const ULTRAFACE = path.join(ROOT, '../../fixtures/third_party/ultraface-slim-320.tflite');

/** @returns {Promise<{status: number, stdout: string, stderr: string, json: object|null}>} */
export function cli(...args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      const lines = stdout.trim().split('\n').filter(Boolean);
      let json = null;
      try {
        json = lines.length === 1 ? JSON.parse(lines[0]) : lines.map((l) => JSON.parse(l));
      } catch {
        json = null;
      }
      resolve({ status, stdout, stderr, json });
    });
  });
}

/** A fresh temporary folder, deleted by the returned cleanup. */
export function tempDir(t) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'litert-runner-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a TypedArray as .npy and returns the path. */
export function writeNpy(dir, name, dtype, shape, array) {
  const file = path.join(dir, name);
  writeFileSync(file, encodeNpy({ dtype, shape, data: bytesOf(array) }));
  return file;
}

/** Deterministic values in [-1, 1). */
export function pseudoRandom(n, seed = 1) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}
