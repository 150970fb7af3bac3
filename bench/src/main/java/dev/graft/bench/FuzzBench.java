package dev.graft.bench;

import dev.graft.cli.fuzz.FuzzHarness;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The long run of the CLI's fuzz harness (the one {@code FuzzSpec} runs for a minute): seeded
 * mutations of the fixtures' ONNX, {@code .npy} and TFLite files through every reading command,
 * in this process. Prints the counts of stack traces, hangs, wrong statuses, errors not on one
 * line and files left behind (in the case folders and in the temporary folder), the status
 * counts, case times and the peak heap, then the cases that broke a rule.
 *
 * <p>Usage: {@code bench/run FuzzBench [CASES] [SEED] [CASE_SECONDS] [tflite]}; defaults 5000
 * cases, seed 1, 60 s per case; {@code tflite} runs only TFLite cases (a valid one runs LiteRT in
 * Node, seconds each; the runner must be installed: {@code npm ci} in tools/litert-runner). Give the JVM its own temporary folder to count what is left there:
 * {@code BENCH_JAVA_OPTS="-Djava.io.tmpdir=/tmp/fuzz-tmp -Xmx2g"}.
 */
public final class FuzzBench {
  private FuzzBench() {}

  public static void main(String[] args) throws IOException {
    int cases = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    long caseSeconds = args.length > 2 ? Long.parseLong(args[2]) : 60;
    boolean tfliteOnly = args.length > 3 && args[3].equals("tflite");
    Path fixtures = Path.of("fixtures").toAbsolutePath();
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Set<String> before = graftTemporaries(tmp);
    Path work = Files.createTempDirectory("fuzz-bench");
    List<Long> millis = new ArrayList<>();
    FuzzHarness.Report r = new FuzzHarness(fixtures, work, seed, caseSeconds, tfliteOnly).run(cases,
        Long.MAX_VALUE, o -> {
          millis.add(o.getMillis());
          if (millis.size() % (tfliteOnly ? 50 : 500) == 0) {
            System.out.printf("  %d cases%n", millis.size());
          }
          return kotlin.Unit.INSTANCE;
        });
    Set<String> after = graftTemporaries(tmp);
    after.removeAll(before);
    Collections.sort(millis);
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    System.out.println("FuzzBench: seed " + seed + ", " + r.summary());
    System.out.printf("case time: median %d ms, p99 %d ms, max %d ms; peak heap %d MiB of %d MiB%n",
        millis.get(millis.size() / 2), millis.get((int) (millis.size() * 0.99)),
        millis.get(millis.size() - 1), peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
    System.out.println("temporaries left in " + tmp + ": " + after.size() + " " + after);
    for (FuzzHarness.Outcome o : r.getBad()) {
      System.out.println("  #" + o.getId() + " " + o.getWhat() + " " + String.join(" ",
          o.getArgs().subList(0, 1)) + ": " + o.getViolations() + " status " + o.getStatus()
          + " " + o.getMessage());
    }
    dev.graft.io.Temporaries.deleteTree(work);
  }

  private static Set<String> graftTemporaries(Path tmp) throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("graft-") || n.startsWith("onnxruntime-java")
              || n.startsWith("mat-debug-"))
          .collect(Collectors.toCollection(java.util.TreeSet::new));
    }
  }
}
