/**
 * Layers as users name them: module paths recovered from node names ({@link
 * dev.graft.region.ModuleTree}), parameter and MAC counts, and single-entry/single-exit regions
 * ({@link dev.graft.region.RegionResolver}) with residual-crossing detection.
 */
package dev.graft.region;
