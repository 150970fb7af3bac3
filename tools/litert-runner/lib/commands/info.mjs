// `info MODEL`: the model's inputs and outputs as LiteRT sees them.

import { zeroTensor } from '../engine.mjs';
import { readTfliteHeader } from '../tflite-file.mjs';
import { readModelFile } from '../session.mjs';

/**
 * Prints {"inputs":[…],"outputs":[…]}; each tensor has name, shape, dtype, and where they apply
 * shape_signature (a dimension is -1 when dynamic) and quantization {scale, zero_point}.
 * Output shapes that the file leaves dynamic are the ones LiteRT computes for the declared
 * input shapes (the model is run once on zeros to find them).
 */
export async function info(session, file) {
  const { model } = await session.model(file);
  const header = readTfliteHeader(readModelFile(file), file);
  let computed = null;
  if (model.outputs.some((o) => o.shapeSignature?.some((d) => d < 0))) {
    computed = (await model.run(model.inputs.map(zeroTensor))).map((o) => o.shape);
  }
  const describe = (t, fromFile, shape) => {
    const out = { name: t.name, shape, dtype: t.dtype };
    const sig = fromFile?.shapeSignature;
    if (sig && sig.some((d) => d < 0)) out.shape_signature = sig;
    if (fromFile?.quantization) {
      out.quantization = { scale: fromFile.quantization.scale, zero_point: fromFile.quantization.zeroPoint };
    }
    return out;
  };
  const match = (list, t) => list.find((h) => h.name === t.name) ?? list[t.index];
  return {
    inputs: model.inputs.map((t) => describe(t, match(header.inputs, t), t.shape)),
    outputs: model.outputs.map((t, i) => describe(t, match(header.outputs, t), computed?.[i] ?? t.shape)),
  };
}
