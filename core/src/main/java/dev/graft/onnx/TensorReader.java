package dev.graft.onnx;

import ai.onnx.proto.OnnxMl;
import dev.graft.GraftException;
import dev.graft.graph.TensorData;
import dev.graft.io.DType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Turns ONNX TensorProtos, inline or external, into little-endian {@link TensorData}. */
final class TensorReader {
  private final String where;
  private final Path baseDir;

  TensorReader(String where, Path baseDir) {
    this.where = where;
    this.baseDir = baseDir;
  }

  TensorData read(OnnxMl.TensorProto t) {
    DType type = OnnxReader.dtype(t.getDataType(), where, t.getName());
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long d : dims) {
      if (d < 0) {
        throw GraftException.badInput("%s: tensor %s has a negative dimension", where, t.getName());
      }
      try {
        count = Math.multiplyExact(count, d);
      } catch (ArithmeticException e) {
        throw GraftException.badInput("%s: tensor %s has dimensions %s whose product overflows",
            where, t.getName(), java.util.Arrays.toString(dims));
      }
    }
    if (type == DType.STRING) {
      throw GraftException.badInput(
          "%s: tensor %s holds strings, which Graft does not support", where, t.getName());
    }
    long bytes = count > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : count * type.byteSize();
    if (bytes > Integer.MAX_VALUE - 8) {
      throw GraftException.badInput("%s: tensor %s is larger than 2 GB", where, t.getName());
    }
    byte[] raw;
    if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
      raw = external(t, (int) bytes);
    } else if (!t.getRawData().isEmpty()) {
      raw = t.getRawData().toByteArray();
    } else {
      raw = typed(t, type, (int) count);
    }
    if (raw.length != bytes) {
      throw GraftException.badInput(
          "%s: tensor %s has %d bytes of data, its shape needs %d",
          where, t.getName(), raw.length, bytes);
    }
    return TensorData.ofRaw(t.getName(), type, dims, raw);
  }

  private byte[] typed(OnnxMl.TensorProto t, DType type, int count) {
    ByteBuffer b = ByteBuffer.allocate(count * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    int given;
    switch (type) {
      case FLOAT:
        given = t.getFloatDataCount();
        for (int i = 0; i < Math.min(given, count); i++) {
          b.putFloat(t.getFloatData(i));
        }
        break;
      case DOUBLE:
        given = t.getDoubleDataCount();
        for (int i = 0; i < Math.min(given, count); i++) {
          b.putDouble(t.getDoubleData(i));
        }
        break;
      case INT64:
        given = t.getInt64DataCount();
        for (int i = 0; i < Math.min(given, count); i++) {
          b.putLong(t.getInt64Data(i));
        }
        break;
      case UINT64:
      case UINT32:
        given = t.getUint64DataCount();
        for (int i = 0; i < Math.min(given, count); i++) {
          if (type == DType.UINT64) {
            b.putLong(t.getUint64Data(i));
          } else {
            b.putInt((int) t.getUint64Data(i));
          }
        }
        break;
      default:
        given = t.getInt32DataCount();
        for (int i = 0; i < Math.min(given, count); i++) {
          int v = t.getInt32Data(i);
          switch (type.byteSize()) {
            case 1:
              b.put((byte) v);
              break;
            case 2:
              b.putShort((short) v);
              break;
            default:
              b.putInt(v);
          }
        }
    }
    if (given != count) {
      throw GraftException.badInput(
          "%s: tensor %s has %d values, its shape needs %d", where, t.getName(), given, count);
    }
    return b.array();
  }

  private long number(OnnxMl.TensorProto t, OnnxMl.StringStringEntryProto e) {
    try {
      long v = Long.parseLong(e.getValue());
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw GraftException.badInput("%s: tensor %s has external data %s '%s', expected a"
        + " non-negative integer", where, t.getName(), e.getKey(), e.getValue());
  }

  private byte[] external(OnnxMl.TensorProto t, int bytes) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location":
          location = e.getValue();
          break;
        case "offset":
          offset = number(t, e);
          break;
        case "length":
          length = number(t, e);
          break;
        default:
          break;
      }
    }
    if (location == null || baseDir == null) {
      throw GraftException.badInput(
          "%s: tensor %s has external data without a location", where, t.getName());
    }
    Path base = baseDir.toAbsolutePath().normalize();
    Path file = base.resolve(location).normalize();
    if (Path.of(location).isAbsolute() || !file.startsWith(base)) {
      throw GraftException.badInput(
          "%s: tensor %s has external data at '%s', outside the model's folder; refused",
          where, t.getName(), location);
    }
    if (!Files.isRegularFile(file)) {
      throw GraftException.badInput(
          "%s: external data file %s of tensor %s not found", where, location, t.getName());
    }
    try {
      // the real path: a symlinked file or folder must not lead out of the model's folder
      if (!file.toRealPath().startsWith(base.toRealPath())) {
        throw GraftException.badInput(
            "%s: tensor %s has external data at '%s', which leads outside the model's folder (%s);"
                + " refused",
            where, t.getName(), location, file.toRealPath());
      }
    } catch (IOException e) {
      throw GraftException.badInput(
          "%s: cannot resolve external data %s: %s", where, location, e.getMessage());
    }
    if (length >= 0 && length != bytes) {
      throw GraftException.badInput(
          "%s: tensor %s declares %d bytes of external data, its shape needs %d",
          where, t.getName(), length, bytes);
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      if (offset + bytes > f.length()) {
        throw GraftException.badInput(
            "%s: external data file %s is too short for tensor %s", where, location, t.getName());
      }
      byte[] raw = new byte[bytes];
      f.seek(offset);
      f.readFully(raw);
      return raw;
    } catch (IOException e) {
      throw GraftException.badInput(
          "%s: cannot read external data %s: %s", where, location, e.getMessage());
    }
  }
}
