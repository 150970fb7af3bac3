package dev.graft.dsl

import kotlin.script.experimental.annotations.KotlinScript
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.defaultImports
import kotlin.script.experimental.jvm.dependenciesFromCurrentContext
import kotlin.script.experimental.jvm.jvm

/** The `.graft.kts` script type: a Kotlin script with the recipe DSL imported. */
@KotlinScript(fileExtension = "graft.kts", compilationConfiguration = GraftScriptConfiguration::class)
public abstract class GraftScript

/** Compilation settings of `.graft.kts` scripts: the DSL's imports and the host's classpath. */
public object GraftScriptConfiguration : ScriptCompilationConfiguration({
    defaultImports("dev.graft.dsl.*")
    jvm {
        dependenciesFromCurrentContext(wholeClasspath = true)
    }
}) {
    private fun readResolve(): Any = GraftScriptConfiguration
}
