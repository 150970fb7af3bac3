package dev.graft.cli

import com.github.ajalt.clikt.testing.CliktCommandTestResult
import com.github.ajalt.clikt.core.context
import com.github.ajalt.clikt.core.terminal
import com.github.ajalt.clikt.testing.test
import com.github.ajalt.mordant.rendering.AnsiLevel
import com.github.ajalt.mordant.terminal.Terminal
import com.github.ajalt.mordant.terminal.TerminalRecorder
import io.kotest.core.TestConfiguration
import io.kotest.engine.spec.tempdir
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files
import java.nio.file.Path

/** Finds the repository's fixtures/ folder from the module's directory. */
object Fixtures {
    val root: Path by lazy {
        var p: Path? = Path.of("").toAbsolutePath()
        while (p != null && !(Files.isDirectory(p.resolve("fixtures")) && Files.exists(p.resolve("pom.xml")))) {
            p = p.parent
        }
        requireNotNull(p) { "fixtures/ not found" }.resolve("fixtures")
    }

    fun model(name: String): String = root.resolve("models").resolve(name).toString()
    fun thirdParty(name: String): String = root.resolve("third_party").resolve(name).toString()
    fun digits(name: String): String = root.resolve("digits").resolve(name).toString()
}

/**
 * A new folder in the system's temporary folder for a spec's files, deleted with everything in it
 * when the spec ends (Kotest's [tempdir]). Made once in the spec's body; a test that needs a fresh
 * folder makes one inside it.
 */
fun TestConfiguration.specDir(prefix: String): Path = tempdir(prefix).toPath()

/** Runs `graft` with a command line as a user types it. */
fun graft(vararg args: String): CliktCommandTestResult = graftCommand().test(args.toList())

/** What a run of `graft` printed and the status it exits with, as [main] would. */
data class GraftRun(val stdout: String, val stderr: String, val status: Int)

/** Asserts that [r] ended with [status] and one line on standard error, `graft: …` holding [text]. */
fun oneLine(r: GraftRun, status: Int, text: String) {
    r.status shouldBe status
    r.stderr.trim().lines().size shouldBe 1
    r.stderr shouldStartWith "graft: "
    r.stderr shouldContain text
}

/** Runs `graft` through the same error path as [main], with its output recorded. */
fun graftRun(vararg args: String): GraftRun = graftRun(graftCommand(), *args)

/** Runs [root] (a `graft` tree) through the same error path as [main], with its output recorded. */
fun graftRun(root: com.github.ajalt.clikt.core.CliktCommand, vararg args: String): GraftRun {
    val recorder = TerminalRecorder(ansiLevel = AnsiLevel.NONE, width = 200)
    val command = root.context { terminal = Terminal(terminalInterface = recorder) }
    val status = runGraft(command, arrayOf(*args))
    return GraftRun(recorder.stdout(), recorder.stderr(), status)
}

/**
 * `graft` as its own process, with its own temporary folder, as a user runs it. The class path goes
 * in an argument file: ONNX Runtime 1.29 crashes (SIGSEGV) while making its environment when the
 * process's command line is longer than about 4 KB, as the test class path is.
 */
fun graftProcess(tmp: Path, work: Path, vararg args: String): Process {
    val java = ProcessHandle.current().info().command().orElse("java")
    val argFile = Files.writeString(Files.createTempFile(tmp.parent, "classpath", ".args"),
        "-cp \"" + System.getProperty("java.class.path") + "\"")
    return ProcessBuilder(listOf(java, "-Djava.io.tmpdir=$tmp", "@$argFile", "dev.graft.cli.MainKt") + args)
        .directory(work.toFile())
        .also { it.environment()["TMPDIR"] = tmp.toString() }
        .redirectErrorStream(true)
        .start()
}

