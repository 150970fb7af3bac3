package dev.graft.tflite;

import dev.graft.GraftException;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.quant.QuantParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a model with int8 inputs or outputs on float samples, as its caller on a phone would: each
 * int8 input is quantized with the input's own parameters, each int8 output dequantized with the
 * output's. Float inputs and outputs pass through unchanged, so any model can be run this way.
 */
final class Int8Io {
  private Int8Io() {}

  /** Float outputs by name for float inputs given in the model's input order. */
  static Map<String, NdArray> run(LiteRt rt, byte[] model, List<NdArray> inputs) {
    TfliteModel m = TfliteModel.read(model);
    List<QuantParams> in = m.inputQuantization();
    List<QuantParams> out = m.outputQuantization();
    if (in.stream().allMatch(q -> q == null) && out.stream().allMatch(q -> q == null)) {
      return rt.runNamed(model, inputs);
    }
    Path work = LiteRt.tempDir();
    try {
      Path file = work.resolve("model.tflite");
      Files.write(file, model);
      List<Path> files = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        Path f = work.resolve("input_" + i + ".npy");
        NdArray a = inputs.get(i);
        if (in.get(i) != null) {
          Npy.writeScratch(f, NdArray.ofBytes(DType.INT8, in.get(i).quantize(a.asFloats()), a.shape()));
        } else {
          Npy.writeScratch(f, a);
        }
        files.add(f);
      }
      Map<String, NdArray> result = new LinkedHashMap<>();
      for (Map<?, ?> o : rt.runFiles(file, files, work.resolve("out"))) {
        int index = ((Number) o.get("index")).intValue();
        Path p = Path.of((String) o.get("path"));
        NdArray a = "int8".equals(o.get("dtype")) ? dequantize(p, out.get(index)) : Npy.readAsStored(p);
        result.put((String) o.get("name"), a);
      }
      return result;
    } catch (IOException e) {
      throw GraftException.failure("cannot write LiteRT inputs: %s", e.getMessage());
    } finally {
      LiteRt.deleteTree(work);
    }
  }

  /** An int8 tensor the runner wrote, dequantized with {@code q}. */
  static NdArray dequantize(Path file, QuantParams q) {
    if (q == null) {
      throw GraftException.failure("LiteRT gave int8 output %s without quantization", file);
    }
    NdArray raw = Npy.readAsStored(file);
    if (raw.type() != DType.INT8) {
      throw GraftException.failure("LiteRT wrote %s where int8 was announced in %s", raw, file);
    }
    byte[] b = raw.bytes();
    float[] v = new float[b.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = q.dequantize(b[i]);
    }
    return NdArray.of(v, raw.shape());
  }
}
