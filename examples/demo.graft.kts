// graft demo: replace three of the six blocks of a transformer encoder trained on the digits
// data set by one smaller attention+FFN block, then write ONNX and a TFLite file verified in LiteRT.
// The file is the recipe's body; IntelliJ IDEA and Android Studio complete it with graft-dsl on
// the classpath.
teacher("transformer_encoder.onnx")
calibration("train_x_tokens.npy", heldOut = 0.2)
test("test_x_tokens.npy", labels = "test_y.npy")
replace(from = "blocks.2", to = "blocks.4", student = attentionFfn(heads = 4, ffn = 128))
export {
    onnx("graft-demo.onnx")
    tflite("graft-demo.tflite", precision = Fp32)
}
require { top1Agreement atLeast 0.98 }
