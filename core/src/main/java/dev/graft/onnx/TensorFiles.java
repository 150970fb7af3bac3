package dev.graft.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.graft.GraftException;
import dev.graft.graph.TensorData;
import dev.graft.io.AtomicFiles;
import java.nio.file.Path;

/**
 * Reads a serialized ONNX TensorProto file, such as the {@code input_0.pb} and {@code
 * output_0.pb} of ONNX's backend test data.
 *
 * <pre>{@code
 * TensorData x = TensorFiles.read(Path.of("test_data_set_0/input_0.pb"));
 * }</pre>
 */
public final class TensorFiles {
  private TensorFiles() {}

  public static TensorData read(Path file) {
    byte[] bytes = AtomicFiles.readInput(file, "tensor file");
    try {
      return OnnxReader.readTensor(OnnxMl.TensorProto.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw GraftException.badInput("%s is not a serialized ONNX tensor: %s", file,
          e.getMessage());
    }
  }
}
