package dev.graft.runtime.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.io.DType;
import dev.graft.io.NdArray;
import dev.graft.runtime.Accelerator;
import dev.graft.runtime.BenchmarkException;
import dev.graft.runtime.BenchmarkOptions;
import dev.graft.runtime.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.lite.DataType;
import org.tensorflow.lite.Delegate;
import org.tensorflow.lite.Interpreter;

/** Option mapping and tensor assembly against the real TFLite 2.16.1 classes, no device. */
class TfliteMappingTest {
  /** Records what was asked for; stands in for GpuDelegate/NnApiDelegate (native code). */
  private static final class RecordingMaker implements TfliteOptions.DelegateMaker {
    final List<String> made = new ArrayList<>();
    final Delegate delegate = () -> 42L;

    @Override
    public Delegate make(TflitePlan.Delegate kind, boolean allowFp16) {
      made.add(kind + " fp16=" + allowFp16);
      return delegate;
    }
  }

  private static TflitePlan plan(BenchmarkOptions.Builder b) {
    return TflitePlan.from(b.build());
  }

  @Test
  void cpuWithDefaultsLeavesTfliteDefaultsAndAddsNoDelegate() {
    RecordingMaker maker = new RecordingMaker();
    TflitePlan p = plan(BenchmarkOptions.builder());
    Interpreter.Options o = TfliteOptions.apply(p, maker).interpreterOptions();

    assertEquals(TflitePlan.Delegate.NONE, p.delegate());
    assertNull(p.useXnnpack());
    assertEquals(-1, o.getNumThreads());
    assertTrue(o.getUseXNNPACK(), "TFLite's default keeps XNNPACK on");
    assertTrue(o.getDelegates().isEmpty());
    assertTrue(maker.made.isEmpty());
  }

  @Test
  void cpuThreadsAndXnnpackOffReachInterpreterOptions() {
    TfliteOptions o = TfliteOptions.apply(
        plan(BenchmarkOptions.builder().threads(4).xnnpack(false)), new RecordingMaker());
    assertEquals(4, o.interpreterOptions().getNumThreads());
    assertFalse(o.interpreterOptions().getUseXNNPACK());
    assertFalse(o.interpreterOptions().getUseNNAPI());
  }

  @Test
  void xnnpackAcceleratorForcesXnnpackOn() {
    TflitePlan p = plan(BenchmarkOptions.builder().accelerator(Accelerator.XNNPACK).xnnpack(false));
    assertEquals(Boolean.TRUE, p.useXnnpack());
    assertTrue(TfliteOptions.apply(p, new RecordingMaker()).interpreterOptions().getUseXNNPACK());
  }

  @Test
  void gpuAddsOneGpuDelegateWithTheFp16Choice() {
    RecordingMaker maker = new RecordingMaker();
    TfliteOptions o = TfliteOptions.apply(
        plan(BenchmarkOptions.builder().accelerator(Accelerator.GPU).allowFp16(true).threads(2)),
        maker);
    assertEquals(List.of("GPU fp16=true"), maker.made);
    assertEquals(1, o.interpreterOptions().getDelegates().size());
    assertSame(maker.delegate, o.interpreterOptions().getDelegates().get(0));
    assertEquals(o.interpreterOptions().getDelegates(), o.delegates());
    assertEquals(2, o.interpreterOptions().getNumThreads());
  }

  @Test
  void nnapiUsesTheNnApiDelegateNotTheDeprecatedFlag() {
    RecordingMaker maker = new RecordingMaker();
    TfliteOptions o = TfliteOptions.apply(
        plan(BenchmarkOptions.builder().accelerator(Accelerator.NNAPI)), maker);
    assertEquals(List.of("NNAPI fp16=false"), maker.made);
    assertFalse(o.interpreterOptions().getUseNNAPI());
    assertEquals(1, o.interpreterOptions().getDelegates().size());
  }

  @Test
  void planDescribesWhatWasSetUp() {
    TflitePlan p = plan(BenchmarkOptions.builder().accelerator(Accelerator.GPU).threads(4));
    assertEquals("gpu", p.describe().get("delegate"));
    assertEquals("4", p.describe().get("threads"));
    assertEquals("default", p.describe().get("xnnpack"));
    assertEquals("false", p.describe().get("allow_fp16"));
  }

  @Test
  void tensorMetadataBecomesSpecsWithDynamicDimensions() throws BenchmarkException {
    TensorSpec s = TfliteTensors.spec(0, "input", "serving_default_x:0", DataType.FLOAT32,
        new int[] {-1, 240, 320, 3});
    assertEquals(DType.FLOAT, s.dtype());
    assertEquals(-1, s.shape()[0]);
    assertEquals(DType.INT8, TfliteTensors.dtype(DataType.INT8, "input", "q"));
    assertEquals(DType.UINT8, TfliteTensors.dtype(DataType.UINT8, "input", "q"));
    assertEquals(DType.INT64, TfliteTensors.dtype(DataType.INT64, "input", "ids"));
    BenchmarkException e = assertThrows(BenchmarkException.class,
        () -> TfliteTensors.dtype(DataType.STRING, "output", "label"));
    assertEquals(BenchmarkException.Code.UNSUPPORTED_MODEL, e.code());
    assertEquals("Model output 'label' has element type STRING, expected one of "
        + "[float32, int8, uint8, int32, int64]", e.getMessage());
  }

  @Test
  void filledOutputBufferBecomesAnArrayWhateverItsPosition() {
    ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
    b.putFloat(1.5f).putFloat(-2f); // position left at the end, as TFLite leaves it
    NdArray a = TfliteTensors.toArray(DType.FLOAT, new int[] {1, 2}, b);
    assertEquals(1.5, a.getDouble(0), 0);
    assertEquals(-2.0, a.getDouble(1), 0);
    NdArray copy = TfliteTensors.toArray(DType.FLOAT, new int[] {1, 2},
        TfliteTensors.directCopy(a));
    assertEquals(-2.0, copy.getDouble(1), 0);
  }
}
