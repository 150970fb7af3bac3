// A vision transformer (ViT, 4 blocks, Fashion-MNIST) with two of its blocks replaced by one
// attention+FFN block half as wide in its feed-forward layer. The student starts from the
// teacher's first block of the region, is trained to map the region's input to its output on
// recorded activations, then fine-tuned through the frozen rest of the model on the teacher's
// class probabilities.
//
// Copy it: replace() takes module paths as `graft inspect MODEL` shows them; a token model also
// needs its sequence length bound, e.g. dims("sequence" to 128).
teacher("../fixtures/modern/fm_vit.onnx")
calibration("../fixtures/fashion/train_x.npy", heldOut = 0.2)
test("../fixtures/fashion/test_x.npy", labels = "../fixtures/fashion/test_y.npy")

replace(
    from = "blocks.1",
    to = "blocks.2",
    student = attentionFfn(heads = 4, ffn = 128),
    epochs = 20,
    finetune = 2,
)

export {
    onnx("vit-small.onnx")
    tflite("vit-small.tflite", precision = Fp16)
}
require { top1Agreement atLeast 0.95 }
