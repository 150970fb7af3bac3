package dev.graft.cli.fuzz

import com.github.ajalt.clikt.core.context
import com.github.ajalt.clikt.core.terminal
import com.github.ajalt.mordant.terminal.Terminal
import com.github.ajalt.mordant.terminal.TerminalRecorder
import dev.graft.cli.graftCommand
import dev.graft.cli.runGraft
import dev.graft.io.NdArray
import dev.graft.io.Npy
import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import kotlin.random.Random

/**
 * Runs seeded mutations of the fixtures' ONNX, `.npy` and TFLite files through the `graft`
 * commands that read them, in this process through the CLI's entry point, and checks what every
 * run must do: exit 0, 1 or 2 (never an internal error); on failure one line starting `graft: `,
 * no stack trace, and no file written; and finish within [caseSeconds].
 *
 * <pre>{@code
 * FuzzHarness(fixtures, work, seed = 1).run(cases = 200, budgetSeconds = 60).summary()
 * }</pre>
 */
public class FuzzHarness(
    private val fixtures: Path,
    private val work: Path,
    private val seed: Long,
    private val caseSeconds: Long = 60,
    /** Only TFLite cases (each valid one runs LiteRT in Node, seconds a case). */
    private val tfliteOnly: Boolean = false,
) {
    /** What one case did. */
    public data class Outcome(val id: Int, val what: String, val args: List<String>, val status: Int, val message: String, val millis: Long, val violations: List<String>, val output: String = "")

    /** Counts over a run, and the outcomes that broke a rule. */
    public class Report {
        public val statuses: MutableMap<Int, Int> = sortedMapOf()
        /** Statuses by the kind of file mutated and the command: "npy eval" -> {2=310, 0=12}. */
        public val byKind: MutableMap<String, MutableMap<Int, Int>> = sortedMapOf()
        public val violations: MutableMap<String, Int> = sortedMapOf()
        public val bad: MutableList<Outcome> = mutableListOf()
        public var cases: Int = 0
        public var millis: Long = 0

        public fun count(kind: String): Int = violations[kind] ?: 0

        public fun summary(): String = "cases $cases · statuses $statuses · " +
            listOf(STACK, HANGS, WRONG, LINES, FILES).joinToString(" · ") { "$it ${count(it)}" } +
            " · ${millis / 1000.0} s\n  by file and command: $byKind"
    }

    private val mlp = fixtures.resolve("models/deep_mlp.onnx")
    private val onnx = listOf(mlp, fixtures.resolve("models/residual_cnn.onnx"), fixtures.resolve("third_party/mnist-8.onnx"))
    private val tflite = fixtures.resolve("third_party/ultraface-slim-320.tflite")
    private val data = Files.createDirectories(work.resolve("data"))
    private val flat = data.resolve("flat.npy").also { Npy.write(it, rows(Npy.read(fixtures.resolve("digits/test_x_flat.npy")), 8)) }
    private val img = data.resolve("img.npy").also { Npy.write(it, rows(Npy.read(fixtures.resolve("digits/test_x_img.npy")), 8)) }
    private val mnist = data.resolve("mnist.npy").also { Npy.write(it, NdArray.of(FloatArray(2 * 784) { (it % 29) / 29f }, 2, 1, 28, 28)) }
    private val labels = data.resolve("y.npy").also { Npy.write(it, NdArray.ofLongs(LongArray(8) { (it % 10).toLong() }, 8)) }
    private val dataFor = mapOf(onnx[0] to flat, onnx[1] to img, onnx[2] to mnist)

    init {
        Files.write(work.resolve("outside.bin"), ByteArray(1 shl 16))
    }

    /** Runs up to [cases] cases, stopping early once [budgetSeconds] have passed. */
    public fun run(cases: Int, budgetSeconds: Long, onCase: (Outcome) -> Unit = {}): Report {
        val report = Report()
        val start = System.nanoTime()
        for (i in 0 until cases) {
            if ((System.nanoTime() - start) / 1_000_000_000L >= budgetSeconds) break
            val o = case(i)
            report.cases++
            report.statuses.merge(o.status, 1, Int::plus)
            val kind = o.what.substringBefore(':') + " " + o.args.first()
            report.byKind.getOrPut(kind) { sortedMapOf() }.merge(o.status, 1, Int::plus)
            o.violations.forEach { report.violations.merge(it, 1, Int::plus) }
            if (o.violations.isNotEmpty()) report.bad.add(o)
            onCase(o)
        }
        report.millis = (System.nanoTime() - start) / 1_000_000
        return report
    }

    /** Builds case [id]'s files in its own folder and runs its command. */
    public fun case(id: Int): Outcome {
        val r = Random(seed * 1_000_003 + id)
        val dir = Files.createDirectories(work.resolve("c$id"))
        val (what, args) = when (if (tfliteOnly) 19 else r.nextInt(20)) {
            in 0..6 -> onnxCase(dir, r, protobuf = false, id)
            in 7..12 -> onnxCase(dir, r, protobuf = true, id)
            in 13..18 -> npyCase(dir, r, id)
            else -> tfliteCase(dir, r)
        }
        val inputs = Files.list(dir).use { s -> s.map { it.fileName.toString() }.toList().toSet() }
        return execute(id, what, args, dir, inputs)
    }

    private fun onnxCase(dir: Path, r: Random, protobuf: Boolean, id: Int): Pair<String, List<String>> {
        val base = onnx[r.nextInt(onnx.size)]
        val src = Files.readAllBytes(base)
        val (bytes, what) = if (protobuf) Mutations.onnx(src, r) else Mutations.bytes(src, r)
        val m = dir.resolve("m.onnx")
        Files.write(m, bytes)
        // links that lead out of the model's folder, to the harness's own files (never to system
        // folders: a careless recursive delete would follow them)
        Files.createSymbolicLink(dir.resolve("link.bin"), work.resolve("outside.bin"))
        Files.createSymbolicLink(dir.resolve("linkdir"), work.resolve("data"))
        val x = dataFor.getValue(base).toString()
        val name = "onnx-${if (protobuf) "proto" else "bytes"}:${base.fileName}:$what"
        return name to when (id % 4) {
            0 -> listOf("inspect", m.toString())
            1 -> listOf("eval", m.toString(), "--calibration", x, "--chunk-size", if (base == onnx[2]) "1" else "4")
            2 -> listOf("convert", m.toString(), "-o", dir.resolve("out.tflite").toString())
            else -> listOf("simplify", m.toString(), "--input-box", "0,1", "-o", dir.resolve("out.onnx").toString())
        }
    }

    private fun npyCase(dir: Path, r: Random, id: Int): Pair<String, List<String>> {
        val asLabels = id % 3 == 2
        val (bytes, what) = Mutations.npy(Files.readAllBytes(if (asLabels) labels else flat), r)
        val x = dir.resolve("x.npy")
        Files.write(x, bytes)
        return "npy:$what" to when (id % 3) {
            0 -> listOf("eval", mlp.toString(), "--calibration", x.toString())
            1 -> listOf("convert", mlp.toString(), "--precision", "int8", "--calibration", x.toString(), "-o", dir.resolve("out.tflite").toString())
            else -> listOf("eval", mlp.toString(), "--calibration", flat.toString(), "--labels", x.toString())
        }
    }

    private fun tfliteCase(dir: Path, r: Random): Pair<String, List<String>> {
        val (bytes, what) = Mutations.bytes(Files.readAllBytes(tflite), r)
        val f = dir.resolve("m.tflite")
        Files.write(f, bytes)
        return "tflite:$what" to listOf("bench", f.toString(), "--backend", "litert", "--runs", "1", "--warmup", "0")
    }

    private var pool = Executors.newSingleThreadExecutor { Thread(it, "fuzz-case").apply { isDaemon = true } }

    private fun execute(id: Int, what: String, args: List<String>, dir: Path, inputs: Set<String>): Outcome {
        val recorder = TerminalRecorder(width = 400)
        val outBuf = ByteArrayOutputStream()
        val errBuf = ByteArrayOutputStream()
        val (oldOut, oldErr) = System.out to System.err
        val t0 = System.nanoTime()
        val violations = mutableListOf<String>()
        var status = -1
        System.setOut(PrintStream(outBuf, true))
        System.setErr(PrintStream(errBuf, true))
        try {
            val command = graftCommand().context { terminal = Terminal(terminalInterface = recorder) }
            status = pool.submit<Int> { runGraft(command, args.toTypedArray()) }.get(caseSeconds, TimeUnit.SECONDS)
        } catch (e: TimeoutException) {
            violations += HANGS
            pool.shutdownNow()
            pool = Executors.newSingleThreadExecutor { Thread(it, "fuzz-case").apply { isDaemon = true } }
        } catch (e: Throwable) {
            violations += STACK
        } finally {
            System.setOut(oldOut)
            System.setErr(oldErr)
        }
        val millis = (System.nanoTime() - t0) / 1_000_000
        val err = recorder.stderr() + errBuf.toString()
        val all = recorder.stdout() + outBuf.toString() + err
        if (TRACE.containsMatchIn(all)) violations += STACK
        if (status !in 0..2 && HANGS !in violations) violations += WRONG
        if (all.contains("internal error")) violations += WRONG
        val errors = err.lines().filter { it.startsWith("graft: ") }
        if (status in 1..2 && errors.size != 1) violations += LINES
        if (status in 1..2) {
            val left = Files.walk(dir).use { s -> s.filter { it != dir && it.parent == dir && it.fileName.toString() !in inputs }.map { it.fileName.toString() }.toList() }
            if (left.isNotEmpty()) violations += FILES
        }
        return Outcome(id, what, args, status, errors.firstOrNull() ?: "", millis, violations.distinct(), all)
    }

    public companion object {
        public const val STACK: String = "stack traces"
        public const val HANGS: String = "hangs"
        public const val WRONG: String = "wrong statuses"
        public const val LINES: String = "not one line"
        public const val FILES: String = "files left behind"
        private val TRACE = Regex("(\\n\\s*at [\\w$.<>]+\\(|Exception in thread|\\bCaused by: )")

        private fun rows(a: NdArray, n: Int): NdArray {
            val per = a.size() / a.rows()
            val shape = a.shape().clone().also { it[0] = n.toLong() }
            return NdArray.of(a.asFloats().copyOf(n * per), *shape)
        }
    }
}
