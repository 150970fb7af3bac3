/**
 * Low-rank factorization of Gemm/MatMul/Conv weights by truncated SVD, plain or data-aware
 * (whitened by the input's second moment): {@link dev.graft.lowrank.LowRank}.
 */
package dev.graft.lowrank;
