// A stand-in for tools/litert-runner/cli.mjs that follows its command-line contract with an
// identity "model": `bench` prints fixed timings, `run` copies input i to DIR/output_<i>.npy.
// Tests of LiteRtNodeRunner's process handling use it; it runs no model.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

function fail(status, message) {
  process.stderr.write(message + '\n');
  process.exit(status);
}

const [command, model, ...rest] = process.argv.slice(2);
const inputs = [];
let out = null;
let runs = 3;
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--input') inputs.push(rest[++i]);
  else if (rest[i] === '--out') out = rest[++i];
  else if (rest[i] === '--runs') runs = Number(rest[++i]);
  else if (rest[i] === '--warmup') i++;
  else fail(2, `unknown option ${rest[i]}`);
}
if (!model || !existsSync(model)) fail(2, `model not found: ${model}`);
if (model.endsWith('broken.tflite')) fail(1, 'interpreter failed: broken model');
if (model.endsWith('int32.tflite')) {
  fail(2, `input 0 'input_ids' takes int32 and int64 value 2147483648 at element 5 of ${inputs[0]} does not fit`);
}

if (command === 'bench') {
  const runsMs = Array.from({ length: runs }, (_, i) => 1 + i / 10);
  console.log('loading...');
  console.log(JSON.stringify({ backend: 'litert-wasm', load_ms: 12.5, first_inference_ms: 3.25,
    runs_ms: runsMs }));
} else if (command === 'run') {
  if (!out) fail(2, 'run needs --out DIR');
  mkdirSync(out, { recursive: true });
  const outputs = inputs.map((path, index) => {
    const dest = resolve(join(out, `output_${index}.npy`));
    copyFileSync(path, dest);
    return { index, name: `Identity_${index}`, shape: [], dtype: 'float32', path: dest };
  });
  console.log(JSON.stringify({ outputs }));
} else {
  fail(2, `unknown command ${command}`);
}
