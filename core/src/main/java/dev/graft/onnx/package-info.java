/** Reading ONNX models into the IR and writing the IR back as ONNX. */
package dev.graft.onnx;
