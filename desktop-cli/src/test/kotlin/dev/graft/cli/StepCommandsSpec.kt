package dev.graft.cli

import com.google.gson.JsonParser
import dev.graft.io.NdArray
import dev.graft.io.Npy
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.doubles.shouldBeLessThanOrEqual
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.nio.file.Path

class StepCommandsSpec : FunSpec({
    val tmp = specDir("graft-step-spec")
    val flat = Fixtures.digits("train_x_flat.npy")
    val mlp = Fixtures.model("deep_mlp.onnx")

    test("replace fits a linear student and reports the region with fidelity") {
        val out = tmp.resolve("linear.onnx")
        val report = tmp.resolve("linear.json")
        val r = graft("replace", mlp, "--from", "blocks.2", "--to", "blocks.3", "--with", "linear",
            "--calibration", flat, "-o", out.toString(), "--report", report.toString())
        r.statusCode shouldBe 0
        Files.exists(out) shouldBe true
        val json = JsonParser.parseString(Files.readString(report)).asJsonObject
        json["params"].asJsonObject["result"].asLong shouldBeLessThan json["params"].asJsonObject["teacher"].asLong
        json["fidelity"].asJsonObject["top1_agreement"].asDouble shouldBeGreaterThan 0.9
        val region = json["regions"].asJsonArray[0].asJsonObject
        region["region"].asString shouldBe "blocks.2..blocks.3"
        region["student"].asString shouldBe "linear"
        listOf("student_params", "train_rel_mse", "heldout_rel_mse").forEach { region.has(it) shouldBe true }
        r.stdout shouldContain "top-1 agreement"
    }

    test("a student that cannot map the region is refused and nothing is written") {
        val out = tmp.resolve("thinconv.onnx")
        val r = graft("replace", mlp, "--from", "blocks.2", "--to", "blocks.3", "--with", "thin-conv",
            "--calibration", flat, "-o", out.toString())
        r.statusCode shouldBe 2
        r.stderr.trim().lines().size shouldBe 1
        Files.exists(out) shouldBe false
    }

    test("NaN in the calibration data is refused with status 2") {
        val x = Npy.read(Path.of(flat)).rows(0, 64)
        x.floats()[5] = Float.NaN
        val bad = tmp.resolve("nan.npy")
        Npy.write(bad, x)
        val r = graft("replace", mlp, "--from", "blocks.2", "--to", "blocks.3", "--with", "mlp",
            "--calibration", bad.toString(), "-o", tmp.resolve("nan.onnx").toString())
        r.statusCode shouldBe 2
        r.stderr shouldContain "NaN"
        Files.exists(tmp.resolve("nan.onnx")) shouldBe false
    }

    test("an empty calibration set is refused with status 2") {
        val empty = tmp.resolve("empty.npy")
        Npy.write(empty, NdArray.of(FloatArray(0), 0, 64))
        val r = graft("replace", mlp, "--from", "blocks.2", "--to", "blocks.3", "--with", "linear",
            "--calibration", empty.toString(), "-o", tmp.resolve("e.onnx").toString())
        r.statusCode shouldBe 2
        r.stderr shouldContain "empty"
    }

    test("a residual that escapes the region is named") {
        val r = graft("replace", Fixtures.model("residual_cnn.onnx"), "--from", "stage1.0", "--to", "stage1.1.c1",
            "--with", "linear", "--calibration", Fixtures.digits("train_x_img.npy"))
        r.statusCode shouldBe 2
        r.stderr shouldContain "escapes"
        r.stderr shouldContain "nearest valid range"
    }

    test("thin, lowrank and simplify refuse bad numbers with one line and status 2") {
        val cases = listOf(
            listOf("thin", mlp, "--layers", "blocks.*", "--keep", "1.5", "--calibration", flat) to "keep",
            listOf("thin", mlp, "--layers", "nothing.*", "--keep", "0.5", "--calibration", flat) to "matches no",
            listOf("lowrank", mlp, "--layers", "blocks.*", "--rank", "0") to "--rank: 0 is smaller than the minimum valid value of 1",
            listOf("lowrank", mlp, "--layers", "blocks.0.0", "--rank", "100000", "--calibration", flat) to "rank",
            // the steps' own checks (core), reaching the user as one line like the options' types
            listOf("simplify", mlp, "--input-box", "1,0") to "input box lo 1.0, hi 0.0: both must be finite and lo at most hi",
            listOf("thin", mlp, "--layers", " ", "--keep", "0.5", "--calibration", flat) to "thin layers is empty",
        )
        for ((args, fragment) in cases) {
            val out = tmp.resolve("bad.onnx")
            val r = graftRun(*args.toTypedArray(), "-o", out.toString())
            r.status shouldBe 2
            // progress lines of the steps that ran may come first; the error is one line, the last
            val error = r.stderr.trim().lines().filter { it.startsWith("graft: ") }
            error.size shouldBe 1
            r.stderr.trim().lines().last() shouldBe error[0]
            error[0] shouldContain fragment
            Files.exists(out) shouldBe false
        }
    }

    test("simplify on an input box keeps outputs on random points of the box") {
        val out = tmp.resolve("box.onnx")
        val report = tmp.resolve("box.json")
        val r = graft("simplify", mlp, "--input-box", "0,1", "-o", out.toString(), "--report", report.toString())
        r.statusCode shouldBe 0
        val json = JsonParser.parseString(Files.readString(report)).asJsonObject
        json["fidelity"].asJsonObject["max_abs_err"].asDouble shouldBeLessThanOrEqual 1e-5
    }

    test("lowrank by energy reports params and flops saved per layer") {
        val report = tmp.resolve("lowrank.json")
        val r = graft("lowrank", Fixtures.model("residual_cnn.onnx"), "--layers", "stage2.*", "--energy", "0.9",
            "--calibration", Fixtures.digits("train_x_img.npy"), "-o", tmp.resolve("lr.onnx").toString(),
            "--report", report.toString())
        r.statusCode shouldBe 0
        val json = JsonParser.parseString(Files.readString(report)).asJsonObject
        json["flops"].asJsonObject["result"].asLong shouldBeLessThan json["flops"].asJsonObject["teacher"].asLong
        Files.readString(report) shouldContain "\"layers\""
    }

    test("an unknown student kind is a usage error with status 2") {
        val r = graft("replace", mlp, "--from", "blocks.2", "--to", "blocks.3", "--with", "transformer", "--calibration", flat)
        r.stderr shouldContain "invalid choice: transformer"
        runGraft(arrayOf("replace", mlp, "--from", "blocks.2", "--to", "blocks.3", "--with", "transformer", "--calibration", flat)) shouldBe 2
    }
})
