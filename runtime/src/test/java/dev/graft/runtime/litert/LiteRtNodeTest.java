package dev.graft.runtime.litert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.TestModels;
import java.io.File;
import java.nio.file.Files;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one locator: graft.litert.runner / GRAFT_LITERT_RUNNER name the runner folder. */
class LiteRtNodeTest {
  @TempDir File tmp;
  private File runner;

  @BeforeEach
  void setUp() throws Exception {
    runner = new File(tmp, "tools/litert-runner");
    new File(runner, "node_modules/@litertjs").mkdirs();
    Files.copy(TestModels.resource("fake-litert-runner/cli.mjs").toPath(),
        new File(runner, "cli.mjs").toPath());
  }

  private static LiteRtNode withProperty(String value, Map<String, String> env) {
    String old = System.getProperty(LiteRtNode.RUNNER_PROPERTY);
    System.setProperty(LiteRtNode.RUNNER_PROPERTY, value);
    try {
      return LiteRtNode.locate(env);
    } finally {
      System.clearProperty(LiteRtNode.RUNNER_PROPERTY);
      if (old != null) {
        System.setProperty(LiteRtNode.RUNNER_PROPERTY, old);
      }
    }
  }

  @Test
  void thePropertyAndTheVariableNameTheRunnerFolder() {
    Map<String, String> none = Collections.emptyMap();
    LiteRtNode byProperty = withProperty(runner.getPath(), none);
    assertEquals(runner.getAbsoluteFile(), byProperty.folder());
    assertEquals(new File(runner, "cli.mjs").getAbsoluteFile(), byProperty.cli());
    String old = System.getProperty(LiteRtNode.RUNNER_PROPERTY);
    System.clearProperty(LiteRtNode.RUNNER_PROPERTY);
    try {
      LiteRtNode byEnv = LiteRtNode.locate(
          Collections.singletonMap(LiteRtNode.RUNNER_ENV, runner.getPath()));
      assertEquals(runner.getAbsoluteFile(), byEnv.folder());
    } finally {
      if (old != null) {
        System.setProperty(LiteRtNode.RUNNER_PROPERTY, old);
      }
    }
  }

  @Test
  void aPathToCliMjsIsTakenAsItsFolder() {
    LiteRtNode node = withProperty(new File(runner, "cli.mjs").getPath(),
        Collections.<String, String>emptyMap());
    assertEquals(runner.getAbsoluteFile(), node.folder());
  }

  @Test
  void theBenchmarkBackendTakesTheFolderSettingAsCoreDoes() {
    // the bench backend once read this setting as the path of cli.mjs, and a folder failed
    String old = System.getProperty(LiteRtNode.RUNNER_PROPERTY);
    System.setProperty(LiteRtNode.RUNNER_PROPERTY, runner.getPath());
    try {
      LiteRtNodeRunner bench = LiteRtNodeRunner.locate();
      assertEquals(new File(runner, "cli.mjs").getAbsoluteFile(), bench.cli());
      assertNull(bench.unavailableReason());
    } finally {
      System.clearProperty(LiteRtNode.RUNNER_PROPERTY);
      if (old != null) {
        System.setProperty(LiteRtNode.RUNNER_PROPERTY, old);
      }
    }
  }

  @Test
  void aSettingThatNamesSomethingElseSaysWhatItNamesAndWhatItShouldName() throws Exception {
    File other = new File(tmp, "runner.js");
    Files.write(other.toPath(), new byte[0]);
    String why = withProperty(other.getPath(), Collections.<String, String>emptyMap())
        .unavailableReason();
    assertEquals("LiteRT runner not installed: -Dgraft.litert.runner=" + other.getPath()
        + " names " + other.getAbsolutePath() + ", which is not the LiteRT runner folder"
        + " (tools/litert-runner, holding cli.mjs); set -Dgraft.litert.runner or"
        + " GRAFT_LITERT_RUNNER to the runner folder", why);
  }

  @Test
  void graftHomeIsSearchedWhenNothingIsSet() {
    String old = System.getProperty(LiteRtNode.RUNNER_PROPERTY);
    System.clearProperty(LiteRtNode.RUNNER_PROPERTY);
    try {
      LiteRtNode node = LiteRtNode.locate(Collections.singletonMap("GRAFT_HOME", tmp.getPath()));
      assertEquals(runner.getAbsoluteFile(), node.folder());
      assertTrue(node.cli().isFile());
    } finally {
      if (old != null) {
        System.setProperty(LiteRtNode.RUNNER_PROPERTY, old);
      }
    }
  }
}
