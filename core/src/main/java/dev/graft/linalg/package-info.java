/**
 * Dense linear algebra in double precision for layer weights and Gram matrices, the one home for
 * it in Graft: {@link dev.graft.linalg.Dense} (products, transposes, norms), {@link
 * dev.graft.linalg.Svd} (thin singular value decomposition, singular values descending) and
 * {@link dev.graft.linalg.Spd} (ridge-regularized symmetric positive definite solves that retry
 * with more ridge, then fail clearly). The decompositions run on EJML.
 */
package dev.graft.linalg;
