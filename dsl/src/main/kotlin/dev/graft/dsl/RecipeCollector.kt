package dev.graft.dsl

import dev.graft.recipe.Recipe

/** Hands the recipes a script builds to the script host running it, thread by thread. */
internal object RecipeCollector {
    private val current = ThreadLocal<MutableList<Recipe>?>()

    fun collect(recipe: Recipe) {
        current.get()?.add(recipe)
    }

    fun <T> collecting(block: () -> T): Pair<T, List<Recipe>> {
        val list = mutableListOf<Recipe>()
        val previous = current.get()
        current.set(list)
        try {
            return block() to list
        } finally {
            current.set(previous)
        }
    }
}
