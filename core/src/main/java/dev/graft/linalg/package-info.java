/**
 * Dense linear algebra in double precision for layer weights and Gram matrices, the one home for
 * it in Graft: {@link dev.graft.linalg.Dense} (products, transposes, norms), {@link
 * dev.graft.linalg.Svd} (thin singular value decomposition, singular values descending),
 * {@link dev.graft.linalg.SymmetricEigen} (a symmetric matrix's eigenvalues, descending) and
 * {@link dev.graft.linalg.Spd} (ridge-regularized symmetric positive definite solves that retry
 * with more ridge, then fail clearly). The solves run on EJML; the SVD and the symmetric
 * eigendecomposition run on the system's native LAPACK where it loads, else on EJML, decided in
 * one place ({@code LapackSvd}, which {@link dev.graft.linalg.Svd#of} and {@link
 * dev.graft.linalg.SymmetricEigen#of} share). A graph's linear layers are read as matrices here
 * too, for simplify, thinning, low-rank and replacement alike: {@link
 * dev.graft.linalg.LinearLayer} (a Gemm, MatMul or Conv as {@code y = W·x + b}), {@link
 * dev.graft.linalg.Patches} (the rows it multiplies, for XᵀX and XᵀY) and {@link
 * dev.graft.linalg.Conv2d} (a direct convolution in double precision).
 */
package dev.graft.linalg;
