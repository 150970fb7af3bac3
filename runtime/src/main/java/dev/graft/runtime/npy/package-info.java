/**
 * Reading and writing NumPy {@code .npy} files (format versions 1.0 to 3.0; float32, int8, uint8,
 * int32 and int64; C order) with no dependencies, on the desktop and on Android.
 */
package dev.graft.runtime.npy;
