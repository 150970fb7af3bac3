package dev.graft.cli

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files

/** Bad options and self-overwrites end in one line with status 2, before any work. */
class BadInputSpec : FunSpec({
    val tmp = specDir("graft-bad-input-spec")
    val faces = Files.createDirectories(tmp.resolve("faces")).also {
        Files.copy(java.nio.file.Path.of(Fixtures.thirdParty("faces.jpg")), it.resolve("faces.jpg"))
    }
    val ultraface = Fixtures.thirdParty("ultraface-slim-320.onnx")

    test("a --mean or --std count that fits no channel count is one line with status 2") {
        oneLine(graftRun("eval", ultraface, "--calibration", faces.toString(), "--image-size", "240x320", "--mean", "0,0"),
            2, "--mean has 2 values; give 1 (every channel) or 3")
        oneLine(graftRun("eval", ultraface, "--calibration", faces.toString(), "--image-size", "240x320", "--std", "1,1,1,1"),
            2, "--std has 4 values")
    }

    test("a zero or NaN --std is refused") {
        oneLine(graftRun("eval", ultraface, "--calibration", faces.toString(), "--image-size", "240x320", "--std", "0"), 2, "--std 0")
        oneLine(graftRun("eval", ultraface, "--calibration", faces.toString(), "--image-size", "240x320", "--std", "NaN"), 2, "--std NaN")
    }

    test("eval --chunk-size 0 or -1 is refused instead of running forever") {
        for (b in listOf("0", "-1")) {
            oneLine(graftRun("eval", Fixtures.model("deep_mlp.onnx"), "--calibration", Fixtures.digits("test_x_flat.npy"), "--chunk-size", b),
                2, "invalid value for --chunk-size: $b is not in the valid range of 1 to 65536")
        }
    }

    test("a student 100000 layers deep is refused") {
        oneLine(graftRun("replace", Fixtures.model("deep_mlp.onnx"), "--from", "blocks.2", "--to", "blocks.3", "--with", "mlp",
            "--depth", "100000", "--calibration", Fixtures.digits("train_x_flat.npy")), 2, "invalid value for --depth: 100000 is not in the valid range of 1 to 64")
    }

    test("-o or --report naming an input is refused and the input is untouched") {
        val model = tmp.resolve("teacher.onnx")
        Files.copy(java.nio.file.Path.of(Fixtures.model("deep_mlp.onnx")), model)
        val before = Files.readAllBytes(model)
        oneLine(graftRun("lowrank", model.toString(), "--layers", "blocks.2.0", "--rank", "8", "-o", model.toString()),
            2, "is also an input of this run")
        val data = tmp.resolve("x.npy")
        Files.copy(java.nio.file.Path.of(Fixtures.digits("train_x_flat.npy")), data)
        oneLine(graftRun("thin", model.toString(), "--layers", "blocks.0.0", "--keep", "0.5", "--calibration", data.toString(),
            "-o", tmp.resolve("thin.onnx").toString(), "--report", data.toString()), 2, "report ")
        oneLine(graftRun("convert", model.toString(), "-o", model.toString()), 2, "is also an input of this run")
        Files.readAllBytes(model) shouldBe before
        Files.exists(tmp.resolve("thin.onnx")) shouldBe false
    }

    test("labels outside the model's classes are refused") {
        val y = tmp.resolve("y.npy")
        dev.graft.io.Npy.write(y, dev.graft.io.NdArray.ofLongs(LongArray(397) { if (it == 5) 12 else 1 }, 397))
        oneLine(graftRun("eval", Fixtures.model("deep_mlp.onnx"), "--calibration", Fixtures.digits("test_x_flat.npy"), "--labels", y.toString()),
            2, "sample 5 has label 12")
    }
})
