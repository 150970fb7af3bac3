/**
 * Graft's one I/O layer, shared by {@code core}, the {@code graft} command and the on-device
 * {@code runtime} (so it has no dependencies and compiles to Java 11 bytecode for Android):
 * n-dimensional arrays and element types ({@link dev.graft.io.NdArray}, {@link
 * dev.graft.io.DType}), NumPy files read whole or by row ranges ({@link dev.graft.io.Npy}, {@link
 * dev.graft.io.NpyFile}), JSON ({@link dev.graft.io.Json}), atomic writes with fsync and checked
 * reads of user files ({@link dev.graft.io.AtomicFiles}), one run per output folder ({@link
 * dev.graft.io.FolderLock}) and temporaries deleted at exit ({@link dev.graft.io.Temporaries}).
 * Problems a user can act on surface as {@link dev.graft.GraftException}.
 */
package dev.graft.io;
