/** Fidelity and accuracy of a model against a reference model and labels. */
package dev.graft.verify;
