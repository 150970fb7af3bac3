package dev.graft.runtime.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Accelerator;
import dev.graft.runtime.BenchmarkException;
import dev.graft.runtime.BenchmarkOptions;
import org.junit.jupiter.api.Test;

class OrtPlanTest {
  @Test
  void cpuUsesThreadsForTheIntraOpPool() throws BenchmarkException {
    OrtPlan p = OrtPlan.from(BenchmarkOptions.builder().threads(4).build());
    assertEquals(OrtPlan.Provider.CPU, p.provider());
    assertEquals(4, p.intraOpThreads());
    assertTrue(p.providerOptions().isEmpty());
  }

  @Test
  void xnnpackGetsTheThreadsAndTheSessionPoolShrinksToOneWithoutSpinning()
      throws BenchmarkException {
    OrtPlan p = OrtPlan.from(
        BenchmarkOptions.builder().threads(4).accelerator(Accelerator.XNNPACK).build());
    assertEquals(OrtPlan.Provider.XNNPACK, p.provider());
    assertEquals(1, p.intraOpThreads());
    assertEquals("4", p.providerOptions().get("intra_op_num_threads"));
    assertEquals("0", p.sessionConfig().get("session.intra_op.allow_spinning"));
  }

  @Test
  void defaultThreadsLeaveOnnxRuntimeToChoose() throws BenchmarkException {
    OrtPlan p = OrtPlan.from(BenchmarkOptions.builder().accelerator(Accelerator.NNAPI).build());
    assertEquals(OrtPlan.Provider.NNAPI, p.provider());
    assertEquals(0, p.intraOpThreads());
  }
}
