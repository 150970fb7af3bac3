/**
 * The TensorFlow Lite backend ({@code tflite}), compiled against the TFLite 2.16.1 Android API
 * classes (scope provided): apps bring {@code org.tensorflow:tensorflow-lite}, {@code
 * tensorflow-lite-gpu} and {@code tensorflow-lite-gpu-api}.
 *
 * <p>{@link dev.graft.runtime.tflite.TflitePlan} (benchmark options to interpreter settings, plain
 * values), {@link dev.graft.runtime.tflite.TfliteOptions} (a plan applied to {@code
 * Interpreter.Options}) and {@link dev.graft.runtime.tflite.TfliteTensors} (tensor metadata and
 * buffers to specs and arrays) hold the logic and run on a desktop JVM; only {@link
 * dev.graft.runtime.tflite.TfliteBackend} needs TFLite's native library, present on Android.
 */
package dev.graft.runtime.tflite;
