// A residual CNN (digits) made smaller for a phone: fold its BatchNorms, keep half of the
// channels of the first conv of every residual block (chosen by SOMP so the next conv is best
// reconstructed, then refitted), and write a full-int8 TFLite file whose activation ranges come
// from the calibration rows and which LiteRT verifies against the ONNX result.
//
// Copy it: point teacher(), calibration() and test() at your model and a few hundred of your
// inputs (.npy with a leading batch axis, or an image folder with images(size = 224 by 224)).
teacher("../fixtures/models/residual_cnn_bn.onnx")
calibration("../fixtures/digits/train_x_img.npy", heldOut = 0.25)
test("../fixtures/digits/test_x_img.npy", labels = "../fixtures/digits/test_y.npy")

simplify()
thin("stage1.*.c1", "stage2.*.c1", keep = 0.5)

export {
    onnx("cnn-thin.onnx")
    tflite("cnn-thin-int8.tflite", precision = Int8)
}
require { top1Agreement atLeast 0.97 }
