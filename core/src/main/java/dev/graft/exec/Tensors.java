package dev.graft.exec;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.graft.GraftException;
import dev.graft.io.NdArray;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/** Conversions between {@link NdArray} and ONNX Runtime tensors. */
final class Tensors {
  private Tensors() {}

  static OnnxTensor toOrt(OrtEnvironment env, NdArray a) throws OrtException {
    switch (a.type()) {
      case FLOAT:
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(a.floats()), a.shape());
      case INT64:
        return OnnxTensor.createTensor(env, LongBuffer.wrap(a.longs()), a.shape());
      case INT32:
        return OnnxTensor.createTensor(env, IntBuffer.wrap(a.ints()), a.shape());
      default:
        throw GraftException.badInput("cannot feed %s arrays to ONNX Runtime", a.type());
    }
  }

  static NdArray fromOrt(String name, OnnxTensor t) {
    TensorInfo info = t.getInfo();
    long[] shape = info.getShape();
    switch (info.type) {
      case FLOAT: {
        FloatBuffer b = t.getFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        return NdArray.of(v, shape);
      }
      case INT64: {
        LongBuffer b = t.getLongBuffer();
        long[] v = new long[b.remaining()];
        b.get(v);
        return NdArray.ofLongs(v, shape);
      }
      case INT32: {
        IntBuffer b = t.getIntBuffer();
        int[] v = new int[b.remaining()];
        b.get(v);
        return NdArray.ofInts(v, shape);
      }
      case BOOL: {
        java.nio.ByteBuffer b = t.getByteBuffer();
        int[] v = new int[b.remaining()];
        for (int i = 0; i < v.length; i++) {
          v[i] = b.get(i);
        }
        return NdArray.ofInts(v, shape);
      }
      default:
        throw GraftException.failure("output %s has type %s, which Graft cannot read", name,
            info.type);
    }
  }
}
