/**
 * Compression recipes: the {@link dev.graft.recipe.Recipe} model with its Java builder, steps and
 * requirements, and the runner that carries a recipe out step by step.
 */
package dev.graft.recipe;
