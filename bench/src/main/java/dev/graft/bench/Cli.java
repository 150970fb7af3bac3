package dev.graft.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the {@code graft} command of a given CLI jar and times it; figures' min and median. */
final class Cli {
  private Cli() {}

  /** Wall and user+system seconds of one run of {@code graft ARGS} from {@code jar}. */
  static double[] time(Path jar, List<String> args) throws Exception {
    return time(jar, List.of(), args);
  }

  /** Wall and user+system seconds of {@code java JVM_OPTIONS -jar jar ARGS}. */
  static double[] time(Path jar, List<String> jvmOptions, List<String> args) throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("no CLI jar at " + jar);
    }
    Path times = Files.createTempFile("graftbench", ".time");
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-o", times.toString(), "-f",
        "%e %U %S", "java"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("GRAFT_HOME", jar.toAbsolutePath().getParent().getParent().getParent()
        .toString());
    int rc = pb.start().waitFor();
    if (rc != 0) {
      throw new IllegalStateException("graft " + String.join(" ", args) + " with " + jar
          + " exited with " + rc);
    }
    String[] f = Files.readString(times).trim().split("\\s+");
    Files.delete(times);
    return new double[] {Double.parseDouble(f[0]),
        Double.parseDouble(f[1]) + Double.parseDouble(f[2])};
  }

  static double min(double[] x) {
    return Arrays.stream(x).min().orElse(Double.NaN);
  }

  static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
