/**
 * Channel thinning by greedy simultaneous orthogonal matching pursuit with least-squares refit of
 * the next layer, or by weight magnitude: {@link dev.graft.thin.Thinner}.
 */
package dev.graft.thin;
