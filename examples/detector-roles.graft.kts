// A face detector (Ultra-Light-Fast-Generic-Face-Detector, slim-320) thinned, with its outputs
// measured by what they mean: "scores" are per-anchor face probabilities (softmax, class 0 is
// background) decided at 0.7, "boxes" are the box regressions read where the teacher's scores
// find a face. The recipe fails unless the thinned model still finds the teacher's faces
// (recall) and places their boxes (mean absolute error, in the boxes' own units).
//
// Copy it: give calibration() a folder of a few hundred of your photos and test() other ones;
// here three photos serve for both, so the figures only show that the recipe runs.
teacher("../fixtures/third_party/ultraface-slim-320.onnx")
calibration("../fixtures/third_party/faces", heldOut = 0.34)
test("../fixtures/third_party/faces")
images(size = 240 by 320, mean = listOf(0.498), std = listOf(0.502))

outputs {
    "scores" to Scores(threshold = 0.7)
    "boxes" to Boxes(pairedWith = "scores")
}

thin("Conv_30", keep = 0.75)

export {
    onnx("face-thin.onnx")
    tflite("face-thin-fp16.tflite", precision = Fp16)
}
require {
    recall("scores") atLeast 0.9
    meanAbsErr("boxes") atMost 0.1
}
