package dev.graft.data;

import dev.graft.GraftException;
import dev.graft.graph.Dim;
import dev.graft.graph.Graph;
import dev.graft.graph.Shape;
import dev.graft.graph.ValueInfo;
import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.io.NpyFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens calibration data for a model from the command line's DATA forms and checks it against the
 * model's input signature: a {@code .npy} file (single-input models), {@code name=path.npy} per
 * input, or a folder of images. Mismatches name the input, the expected and the given shape.
 */
public final class Calibration {
  private Calibration() {}

  public static CalibrationSource open(List<String> specs, Graph model, ImageOptions images) {
    if (specs.isEmpty()) {
      throw GraftException.badInput("no calibration data given");
    }
    List<ValueInfo> inputs = model.inputs();
    Map<String, ValueInfo> byName = new LinkedHashMap<>();
    inputs.forEach(v -> byName.put(v.name(), v));
    if (specs.size() == 1 && !specs.get(0).contains("=")) {
      Path p = Path.of(specs.get(0));
      if (inputs.size() != 1) {
        throw GraftException.badInput(
            "model has %d inputs %s; give one name=path.npy per input", inputs.size(),
            model.inputNames());
      }
      String name = inputs.get(0).name();
      if (Files.isDirectory(p)) {
        if (images == null) {
          throw GraftException.badInput(
              "%s is a folder of images: give --image-size (and --mean, --std)", p);
        }
        ImageOptions o = images;
        if (o.channels() == 0) {
          var shape = inputs.get(0).shape();
          boolean known = shape != null && shape.rank() == 4 && shape.dim(1).isKnown();
          o = o.withChannels(known ? (int) shape.dim(1).value() : 3);
        }
        return check(new ImageFolderSource(name, p, o), model);
      }
      return check(new NpySource(Map.of(name, NpyFile.open(p))), model);
    }
    Map<String, NpyFile> files = new LinkedHashMap<>();
    try {
      for (String spec : specs) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
          throw GraftException.badInput(
              "calibration '%s' must be name=path.npy for a model with inputs %s", spec,
              model.inputNames());
        }
        String name = spec.substring(0, eq);
        if (!byName.containsKey(name)) {
          throw GraftException.badInput(
              "unknown model input '%s' in calibration, expected one of %s", name,
              model.inputNames());
        }
        files.put(name, NpyFile.open(Path.of(spec.substring(eq + 1))));
      }
    } catch (RuntimeException e) {
      files.values().forEach(NpyFile::close);
      throw e;
    }
    Map<String, NpyFile> ordered = new LinkedHashMap<>();
    for (ValueInfo v : inputs) {
      NpyFile f = files.get(v.name());
      if (f == null) {
        files.values().forEach(NpyFile::close);
        throw GraftException.badInput("no calibration data for model input '%s'", v.name());
      }
      ordered.put(v.name(), f);
    }
    return check(new NpySource(ordered), model);
  }

  /** Checks a source against the model's inputs and converts its arrays to the inputs' types. */
  public static CalibrationSource check(CalibrationSource source, Graph model) {
    if (source.size() == 0) {
      source.close();
      throw GraftException.badInput("calibration set %s is empty", source.describe());
    }
    Map<String, DType> types = new LinkedHashMap<>();
    for (ValueInfo v : model.inputs()) {
      if (!source.names().contains(v.name())) {
        source.close();
        throw GraftException.badInput("no calibration data for model input '%s'", v.name());
      }
      NdArray first = source.batch(0, 1).get(v.name());
      if (v.shape() != null && !fits(v.shape(), first.shape())) {
        source.close();
        long[] given = first.shape();
        given[0] = source.size();
        throw GraftException.badInput(
            "calibration data for input '%s' has shape %s, the model expects %s (%s)",
            v.name(), Arrays.toString(given), v.shape(), source.describe());
      }
      if (v.type() != DType.FLOAT && v.type() != DType.INT64 && v.type() != DType.INT32) {
        source.close();
        throw GraftException.badInput(
            "model input '%s' is %s; Graft feeds float32, int64 and int32 inputs", v.name(),
            v.type());
      }
      types.put(v.name(), v.type());
    }
    return new Converting(source, types);
  }

  private static boolean fits(Shape expected, long[] given) {
    if (expected.rank() != given.length) {
      return false;
    }
    for (int i = 1; i < given.length; i++) {
      Dim d = expected.dim(i);
      if (d.isKnown() && d.value() != given[i]) {
        return false;
      }
    }
    return true;
  }

  /** Converts each batch to the element types the model declares. */
  private static final class Converting implements CalibrationSource {
    private final CalibrationSource inner;
    private final Map<String, DType> types;

    Converting(CalibrationSource inner, Map<String, DType> types) {
      this.inner = inner;
      this.types = types;
    }

    @Override
    public List<String> names() {
      return new ArrayList<>(types.keySet());
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public Map<String, NdArray> batch(int start, int count) {
      Map<String, NdArray> raw = inner.batch(start, count);
      Map<String, NdArray> out = new LinkedHashMap<>();
      types.forEach((name, type) -> out.put(name, convert(name, raw.get(name), type)));
      return out;
    }

    private static NdArray convert(String name, NdArray a, DType to) {
      if (a.type() == to) {
        return a;
      }
      if (to == DType.FLOAT) {
        return NdArray.of(a.asFloats(), a.shape());
      }
      if (a.type() == DType.FLOAT) {
        throw GraftException.badInput(
            "model input '%s' takes %s values, the calibration data holds floats", name, to);
      }
      long[] l = new long[a.size()];
      if (a.type() == DType.INT32) {
        int[] v = a.ints();
        for (int i = 0; i < l.length; i++) {
          l[i] = v[i];
        }
      } else {
        l = a.longs();
      }
      if (to == DType.INT64) {
        return NdArray.ofLongs(l, a.shape());
      }
      int[] v = new int[l.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.toIntExact(l[i]);
      }
      return NdArray.ofInts(v, a.shape());
    }

    @Override
    public String describe() {
      return inner.describe();
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
