package dev.graft.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.runtime.litert.LiteRtNodeRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** graft.litert.runner means the runner folder to convert's verification and to bench alike. */
class LiteRtLocatorTest {
  @TempDir Path tmp;

  private static <T> T withRunnerSetting(String value, java.util.function.Supplier<T> body) {
    String old = System.getProperty("graft.litert.runner");
    System.setProperty("graft.litert.runner", value);
    try {
      return body.get();
    } finally {
      if (old == null) {
        System.clearProperty("graft.litert.runner");
      } else {
        System.setProperty("graft.litert.runner", old);
      }
    }
  }

  @Test
  void theRunnerFolderOrItsCliMjsNameTheSameRunnerForVerificationAndBench() throws Exception {
    Path runner = Files.createDirectories(tmp.resolve("litert-runner"));
    Files.createDirectories(runner.resolve("node_modules/@litertjs"));
    Files.writeString(runner.resolve("cli.mjs"), "process.exit(0);\n");
    for (String setting : new String[] {runner.toString(), runner.resolve("cli.mjs").toString()}) {
      Path verification = withRunnerSetting(setting, () -> LiteRt.locate().directory());
      Path bench = withRunnerSetting(setting,
          () -> LiteRtNodeRunner.locate().cli().toPath().getParent());
      assertEquals(runner.toAbsolutePath(), verification, setting);
      assertEquals(runner.toAbsolutePath(), bench, setting);
    }
  }
}
