package dev.graft.cli

import com.github.ajalt.clikt.testing.test
import com.google.gson.JsonParser
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.doubles.plusOrMinus
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files
import java.nio.file.Path

/** The command line as users meet it: version, help, option names and the old names kept for scripts. */
class OptionsSpec : FunSpec({
    val tmp = specDir("graft-options-spec")
    val mlp = Fixtures.model("deep_mlp.onnx")
    val flat = Fixtures.digits("test_x_flat.npy")
    val train = Fixtures.digits("train_x_flat.npy")

    test("graft --version prints the project version of the pom and the SVD backend") {
        val pom = Files.readString(Fixtures.root.parent.resolve("pom.xml"))
        val version = Regex("<artifactId>graft-parent</artifactId>\\s*<version>([^<]+)</version>").find(pom)!!.groupValues[1]
        val r = graftRun("--version")
        r.status shouldBe 0
        r.stdout.trim() shouldBe "graft $version\nsvd: ${dev.graft.linalg.Svd.backend()}"
    }

    test("help shows defaults, required options and the README's metavars") {
        val replace = graft("replace", "--help").stdout
        replace shouldContain "--held-out SHARE"
        replace shouldContain "(default: 0.2)"
        replace shouldContain "--calibration DATA"
        Regex("--from A\\s+first layer of the region[^\\n]*\\n?[^\\n]*\\(required\\)").containsMatchIn(replace) shouldBe true
        val convert = graft("convert", "--help").stdout
        convert shouldContain "--precision (fp32|fp16|int8-dynamic|int8)"
        convert shouldContain "(default: fp32)"
        graft("eval", "--help").stdout shouldContain "Usage: graft eval [OPTIONS] MODEL"
    }

    test("every visible option of every command has a help line, and --json reads the same everywhere") {
        val root = graftCommand()
        val missing = mutableListOf<String>()
        val jsonHelp = mutableSetOf<String>()
        for (sub in root.registeredSubcommands()) {
            root.test(listOf(sub.commandName, "--help"))
            for (o in sub.registeredOptions().filter { !it.hidden }) {
                val help = o.optionHelp(sub.currentContext)
                if (help.isBlank()) missing += "${sub.commandName} ${o.names}"
                if ("--json" in o.names) jsonHelp += help
            }
        }
        missing.shouldBeEmpty()
        jsonHelp.size shouldBe 1
    }

    test("eval --chunk-size 0 and --with mlp --width 0.3 are one line with status 2") {
        oneLine(graftRun("eval", mlp, "--calibration", flat, "--chunk-size", "0"), 2, "--chunk-size")
        oneLine(graftRun("replace", mlp, "--from", "blocks.2", "--to", "blocks.3", "--with", "mlp", "--width", "0.3",
            "--calibration", train), 2, "--width 0.3: mlp's hidden width is a whole number from 1 to 65536 (--hidden) (see 'graft replace --help')")
        oneLine(graftRun("replace", mlp, "--from", "blocks.2", "--to", "blocks.3", "--with", "mlp", "--hidden", "0",
            "--calibration", train), 2, "--hidden")
        oneLine(graftRun("replace", mlp, "--from", "blocks.2", "--to", "blocks.3", "--with", "mlp", "--fraction", "0.5",
            "--calibration", train), 2, "--fraction applies to --with thin-conv, not mlp")
    }

    test("eval's old names --data, --reference and --batch-size still work and print a deprecation line") {
        val teacher = Fixtures.model("residual_cnn.onnx")
        val x = Fixtures.digits("test_x_img.npy")
        val now = graftRun("eval", Fixtures.model("residual_cnn_bn.onnx"), "--calibration", x, "--teacher", teacher,
            "--chunk-size", "32", "--json")
        val old = graftRun("eval", Fixtures.model("residual_cnn_bn.onnx"), "--data", x, "--reference", teacher,
            "--batch-size", "32", "--json")
        now.status shouldBe 0
        now.stderr shouldBe ""
        old.status shouldBe 0
        for (name in listOf("--data", "--reference", "--batch-size")) old.stderr shouldContain "$name is deprecated"
        val a = JsonParser.parseString(now.stdout).asJsonObject
        val b = JsonParser.parseString(old.stdout).asJsonObject
        b["samples"].asInt shouldBe a["samples"].asInt
        b["fidelity"].asJsonObject["top1_agreement"].asDouble shouldBe (a["fidelity"].asJsonObject["top1_agreement"].asDouble plusOrMinus 1e-12)
        graftRun("eval", mlp, "--calibration", flat, "--data", flat).let {
            it.status shouldBe 2
            it.stderr.trim().lines().last() shouldStartWith "graft: give --calibration only (--data is its deprecated name)"
        }
    }

    test("replace --width maps to --hidden for mlp, with a deprecation line, and writes the same student") {
        fun run(name: String, vararg size: String): Pair<GraftRun, Long> {
            val report = tmp.resolve("$name.json")
            val r = graftRun("replace", mlp, "--from", "blocks.2", "--to", "blocks.3", "--with", "mlp", *size,
                "--calibration", train, "-o", tmp.resolve("$name.onnx").toString(), "--report", report.toString())
            r.status shouldBe 0
            val region = JsonParser.parseString(Files.readString(report)).asJsonObject["regions"].asJsonArray[0].asJsonObject
            return r to region["student_params"].asLong
        }
        val (now, hiddenParams) = run("hidden", "--hidden", "16")
        val (old, widthParams) = run("width", "--width", "16")
        now.stderr shouldNotContain "deprecated"
        old.stderr shouldContain "--width is deprecated, use --hidden (mlp) or --fraction (thin-conv)"
        widthParams shouldBe hiddenParams
        val (_, wider) = run("hidden32", "--hidden", "32")
        wider shouldBeGreaterThan hiddenParams
    }

    test("interactive terminals get Mordant progress bars; logs get plain lines") {
        val step = dev.graft.recipe.Step.Simplify(null, null, dev.graft.recipe.Origin.COMMAND_LINE)
        fun record(interactive: Boolean): com.github.ajalt.mordant.terminal.TerminalRecorder {
            val rec = com.github.ajalt.mordant.terminal.TerminalRecorder(
                ansiLevel = com.github.ajalt.mordant.rendering.AnsiLevel.NONE, width = 100, outputInteractive = interactive)
            val p = Progress(com.github.ajalt.mordant.terminal.Terminal(terminalInterface = rec), prelude = "compiled")
            p.stepStarted(0, 1, step)
            for (i in 0..100L step 10) p.progress("capture", i, 100)
            p.stepFinished(0, step, false, 1.24)
            return rec
        }
        val plain = record(false)
        plain.stdout() shouldBe ""
        plain.stderr().trim().lines() shouldBe listOf("compiled", "[1/1] ${step.describe()}", "  capture 0/100",
            "  capture 30/100", "  capture 50/100", "  capture 80/100", "  capture 100/100", "  done in 1.2s")
        val bars = record(true)
        bars.stdout() shouldContain "capture"
        bars.stdout() shouldContain "100/100"
        bars.stderr() shouldContain "done in 1.2s"
    }

    test("a missing input path is refused by its option's type, naming it") {
        oneLine(graftRun("eval", mlp, "--calibration", flat, "--teacher", tmp.resolve("none.onnx").toString()), 2,
            "invalid value for --teacher")
        oneLine(graftRun("convert", Path.of(tmp.toString(), "none.onnx").toString(), "-o", "x.tflite"), 2, "MODEL")
    }
})
