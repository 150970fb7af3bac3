package dev.graft.tflite;

import dev.graft.GraftException;
import dev.graft.io.NdArray;
import dev.graft.io.Npy;
import dev.graft.quant.QuantParams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a model with int8 inputs or outputs on float samples, as its caller on a phone would: each
 * int8 input is quantized with the input's own parameters, each int8 output dequantized with the
 * output's. Float inputs and outputs pass through unchanged, so any model can be run this way.
 */
final class Int8Io {
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

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
          Files.write(f, int8Npy(in.get(i).quantize(a.asFloats()), a.shape()));
        } else {
          Npy.write(f, LiteRt.asInput(a));
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

  /** A .npy file (version 1.0) holding int8 values of the given shape. */
  static byte[] int8Npy(byte[] values, long[] shape) {
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(d).append(", ");
    }
    String s = shape.length == 1 ? dims.toString().trim() : dims.substring(0, dims.length() - 2);
    String h = "{'descr': '|i1', 'fortran_order': False, 'shape': (" + s + "), }";
    h = h + " ".repeat((64 - (10 + h.length() + 1) % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + h.length() + values.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) h.length()).put(h.getBytes(StandardCharsets.US_ASCII)).put(values);
    return b.array();
  }

  /** Reads an int8 .npy file the runner wrote and dequantizes it with {@code q}. */
  static NdArray dequantize(Path file, QuantParams q) throws IOException {
    if (q == null) {
      throw GraftException.failure("LiteRT gave int8 output %s without quantization", file);
    }
    byte[] all = Files.readAllBytes(file);
    int headerLen = (all[8] & 0xff) | (all[9] & 0xff) << 8;
    String h = new String(all, 10, headerLen, StandardCharsets.US_ASCII);
    Matcher m = SHAPE.matcher(h);
    if (all[6] != 1 || !h.contains("'|i1'") || !m.find()) {
      throw GraftException.failure("unexpected .npy header from LiteRT in %s: %s", file, h.trim());
    }
    List<Long> dims = new ArrayList<>();
    for (String p : m.group(1).split(",")) {
      if (!p.isBlank()) {
        dims.add(Long.parseLong(p.trim()));
      }
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    float[] v = new float[all.length - 10 - headerLen];
    for (int i = 0; i < v.length; i++) {
      v[i] = q.dequantize(all[10 + headerLen + i]);
    }
    return NdArray.of(v, shape);
  }
}
