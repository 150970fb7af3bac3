package dev.graft.runtime.litert;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Graft's one client of {@code tools/litert-runner}, the Node program that runs {@code .tflite}
 * files in LiteRT's WebAssembly build: where it is, whether it can run, and one call of it.
 *
 * <pre>{@code
 * LiteRtNode node = LiteRtNode.locate();
 * if (node.unavailableReason() == null) {
 *   LiteRtNode.Answer a = node.call(List.of("info", "model.tflite"), 600);
 * }
 * }</pre>
 *
 * <p>The runner is the <b>folder</b> named by the system property {@value #RUNNER_PROPERTY} or
 * the environment variable {@value #RUNNER_ENV}; a path to its {@code cli.mjs} is taken as that
 * file's folder. Without either, it is {@code $GRAFT_HOME/tools/litert-runner} (the {@code graft}
 * launcher sets {@code GRAFT_HOME}), else {@code tools/litert-runner} in the working folder or
 * one above it. Node is {@code node} on the PATH unless {@value #NODE_PROPERTY} names another.
 * Instances hold no state and may be shared; each call starts one Node process.
 */
public final class LiteRtNode {
  /** System property naming the runner folder (tools/litert-runner). */
  public static final String RUNNER_PROPERTY = "graft.litert.runner";
  /** Environment variable naming the runner folder, when the property is not set. */
  public static final String RUNNER_ENV = "GRAFT_LITERT_RUNNER";
  /** System property naming the node executable; default {@code node} on the PATH. */
  public static final String NODE_PROPERTY = "graft.node";

  private final String node;
  private final File folder;
  private final String setting;

  private LiteRtNode(String node, File folder, String setting) {
    this.node = node;
    this.folder = folder;
    this.setting = setting;
  }

  /** The runner in {@code folder} (tools/litert-runner), started with {@code node}. */
  public static LiteRtNode at(File folder, String node) {
    return new LiteRtNode(node, folder.getAbsoluteFile(), null);
  }

  /** The runner this process is configured for (see the class documentation). */
  public static LiteRtNode locate() {
    return locate(System.getenv());
  }

  /** As {@link #locate()}, reading environment variables from {@code env}. */
  public static LiteRtNode locate(Map<String, String> env) {
    String node = System.getProperty(NODE_PROPERTY, "node");
    String configured = System.getProperty(RUNNER_PROPERTY);
    String name = "-D" + RUNNER_PROPERTY;
    if (configured == null || configured.trim().isEmpty()) {
      configured = env.get(RUNNER_ENV);
      name = RUNNER_ENV;
    }
    if (configured != null && !configured.trim().isEmpty()) {
      File f = new File(configured).getAbsoluteFile();
      if (f.getName().equals("cli.mjs") && !f.isDirectory()) {
        f = f.getParentFile(); // the runner's program file: its folder is the runner
      }
      return new LiteRtNode(node, f, name + "=" + configured);
    }
    String home = env.get("GRAFT_HOME");
    if (home != null && new File(home, "tools/litert-runner/cli.mjs").isFile()) {
      return new LiteRtNode(node, new File(home, "tools/litert-runner").getAbsoluteFile(), null);
    }
    File dir = new File(System.getProperty("user.dir")).getAbsoluteFile();
    for (File d = dir; d != null; d = d.getParentFile()) {
      File runner = new File(d, "tools/litert-runner");
      if (new File(runner, "cli.mjs").isFile()) {
        return new LiteRtNode(node, runner, null);
      }
    }
    return new LiteRtNode(node, new File(dir, "tools/litert-runner"), null);
  }

  /** The runner folder (tools/litert-runner). */
  public File folder() {
    return folder;
  }

  /** The runner's program, {@code cli.mjs} in its folder. */
  public File cli() {
    return new File(folder, "cli.mjs");
  }

  /**
   * Null when the runner can be used; otherwise why not (no runner where the setting or the
   * search points, its node_modules not installed, node not runnable), in one line.
   */
  public String unavailableReason() {
    if (!cli().isFile()) {
      String where = setting != null ? setting + " names " + folder.getPath()
          + ", which is not the LiteRT runner folder (tools/litert-runner, holding cli.mjs)"
          : "no tools/litert-runner/cli.mjs found at " + folder.getPath() + " or above the"
              + " working folder";
      return "LiteRT runner not installed: " + where + "; set -D" + RUNNER_PROPERTY + " or "
          + RUNNER_ENV + " to the runner folder";
    }
    if (!new File(folder, "node_modules/@litertjs").isDirectory()) {
      return "LiteRT runner not installed: " + folder.getPath() + " has no node_modules (run npm"
          + " ci there)";
    }
    try {
      ProcessRunner.Outcome o = new ProcessRunner(30).run(listOf(node, "--version"));
      return o.exitCode == 0 ? null
          : "LiteRT runner not usable: '" + node + " --version' failed: " + o.stderrLine();
    } catch (IOException e) {
      return "LiteRT runner not usable: Node.js is not runnable as '" + node + "': "
          + e.getMessage();
    }
  }

  /** Node's version ({@code v20.…}), or null when it cannot be asked. */
  public String nodeVersion() {
    try {
      ProcessRunner.Outcome o = new ProcessRunner(30).run(listOf(node, "--version"));
      return o.exitCode == 0 ? o.lastStdoutLine() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** What one run of the runner left: its exit status, its output, its one-line message. */
  public static final class Answer {
    private final ProcessRunner.Outcome outcome;

    Answer(ProcessRunner.Outcome outcome) {
      this.outcome = outcome;
    }

    /** 0 success, 2 bad input (a model or input the runner refuses), else a failure. */
    public int exitCode() {
      return outcome.exitCode;
    }

    public String stdout() {
      return outcome.stdout;
    }

    /** The last non-empty line of stdout, where the runner prints its JSON answer. */
    public String lastLine() {
      return outcome.lastStdoutLine();
    }

    /**
     * The runner's one-line message ({@code litert-runner: …} on stderr, without the prefix), or
     * the last line Node printed there.
     */
    public String message() {
      for (String line : outcome.stderr.split("\\r?\\n")) {
        if (line.startsWith("litert-runner:")) {
          return line.substring("litert-runner:".length()).trim();
        }
      }
      return outcome.stderrLine();
    }
  }

  /**
   * Runs {@code node cli.mjs ARGS…} to completion.
   *
   * @throws IOException when Node cannot be started or runs longer than {@code timeoutSeconds}
   */
  public Answer call(List<String> args, long timeoutSeconds) throws IOException {
    List<String> cmd = listOf(node, cli().getPath());
    cmd.addAll(args);
    return new Answer(new ProcessRunner(timeoutSeconds).run(cmd));
  }

  private static List<String> listOf(String... items) {
    List<String> l = new ArrayList<>();
    for (String s : items) {
      l.add(s);
    }
    return l;
  }
}
