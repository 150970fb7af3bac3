// Starts LiteRT.js under Node. The package targets browsers and workers; it runs here once a few
// browser globals exist:
//   self           = globalThis (the loader reads self.ModuleFactory / self.Module)
//   importScripts  evaluates the Emscripten glue as a CommonJS module, giving it the real
//                  require, __filename and __dirname (the wasm/ folder) it needs to read its
//                  .wasm file with node:fs, and stores its factory in self.ModuleFactory
//   self.Module    {print, printErr} so LiteRT's log goes to our logger, not stdout
// LiteRT also tries to open a WebGPU device (navigator.gpu) for its default environment; that
// fails here with a warning, which goes to the logger too. The Engine uses its own CPU environment.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

const require = createRequire(import.meta.url);

/** The folder holding LiteRT.js's .wasm builds and their JavaScript glue. */
export const WASM_DIR = path.join(path.dirname(require.resolve('@litertjs/core/package.json')), 'wasm');

/**
 * Loads the LiteRT runtime.
 * @param {{relaxedSimd?: boolean, log?: (line: string) => void}} options relaxedSimd turns on
 *   V8's relaxed-SIMD support so LiteRT.js picks the build browsers use (litert_wasm_internal)
 *   rather than the baseline-SIMD one (litert_wasm_compat_internal); Node 20 has it behind a flag.
 * @returns {Promise<{liteRt: object, wasmFile: string, loadMs: number}>}
 */
export async function loadLiteRtForNode({ relaxedSimd = false, log = () => {} } = {}) {
  const t0 = performance.now();
  if (relaxedSimd) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  let wasmFile = null;
  globalThis.self = globalThis;
  globalThis.importScripts = (url) => {
    const file = url.startsWith('file:') ? new URL(url).pathname : url;
    wasmFile = path.basename(file, '.js');
    const source = readFileSync(file, 'utf8');
    const wrapper = vm.runInThisContext(
      `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
      { filename: file },
    );
    const module = { exports: {} };
    wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
    globalThis.ModuleFactory = module.exports;
  };
  globalThis.Module = { print: log, printErr: log };
  const core = await import('@litertjs/core');
  const liteRt = await core.loadLiteRt(WASM_DIR + path.sep);
  return { liteRt, core, wasmFile, loadMs: performance.now() - t0 };
}
