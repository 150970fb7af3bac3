package dev.graft.region;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModulePathsTest {
  @Test
  void joinsPyTorchScopesIntoModulePaths() {
    assertEquals("stage1.0.c1", ModulePaths.of("/stage1/stage1.0/c1/Conv"));
    assertEquals("stage2.0.down.0", ModulePaths.of("/stage2/stage2.0/down/down.0/Conv"));
    assertEquals(List.of("stage1", "stage1.0"), ModulePaths.ancestors("/stage1/stage1.0/Relu_1"));
    assertEquals("blocks.4.self_attn", ModulePaths.of("/blocks.4/self_attn/MatMul"));
  }

  @Test
  void usesTheNodeNameWhereThereAreNoScopes() {
    assertEquals("Conv_0", ModulePaths.of("Conv_0"));
    assertEquals("Flatten", ModulePaths.of("/Flatten"));
    assertEquals(List.of(), ModulePaths.ancestors("/Flatten"));
  }
}
