package dev.graft.dsl

import dev.graft.io.AtomicFiles
import dev.graft.onnx.OnnxWriter
import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import java.util.HexFormat
import kotlin.script.experimental.api.CompiledScript
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.SourceCode
import kotlin.script.experimental.api.baseClass
import kotlin.script.experimental.api.defaultImports
import kotlin.script.experimental.api.implicitReceivers
import kotlin.script.experimental.jvm.CompiledJvmScriptsCache
import kotlin.script.experimental.jvm.impl.KJvmCompiledScript
import kotlin.script.experimental.jvmhost.loadScriptFromJar
import kotlin.script.experimental.jvmhost.saveToJar

/**
 * Compiled recipe scripts kept as jars in a folder (the step cache), named by the SHA-256 of the
 * script text, of this Graft build (its version and the size and time of the jar it runs from) and
 * of the script template (its compilation settings and the classes a script binds to), so a rerun
 * of an unchanged recipe skips the Kotlin compiler and a changed template compiles it again. A jar
 * is written atomically; one that cannot be loaded is compiled again.
 */
internal class CompiledRecipes(private val dir: Path, private val text: String) : CompiledJvmScriptsCache {
    private fun jar(configuration: ScriptCompilationConfiguration): Path =
        dir.resolve("recipe-${key(text, configuration)}.jar")

    override fun get(script: SourceCode, scriptCompilationConfiguration: ScriptCompilationConfiguration): CompiledScript? {
        val jar = jar(scriptCompilationConfiguration)
        if (!Files.isRegularFile(jar)) return null
        return try {
            jar.toFile().loadScriptFromJar(checkMissingDependencies = true)
        } catch (e: Exception) {
            null
        }
    }

    override fun store(compiledScript: CompiledScript, script: SourceCode, scriptCompilationConfiguration: ScriptCompilationConfiguration) {
        val compiled = compiledScript as? KJvmCompiledScript ?: return
        val jar = jar(scriptCompilationConfiguration)
        Files.createDirectories(dir)
        val tmp = Files.createTempFile(dir, ".recipe-", ".jar.tmp")
        try {
            compiled.saveToJar(tmp.toFile())
            AtomicFiles.write(jar) { out -> Files.copy(tmp, out) }
        } finally {
            Files.deleteIfExists(tmp)
        }
    }

    companion object {
        /** The classes a compiled script binds to: a change to any of them makes old jars stale. */
        private val TEMPLATE = listOf(GraftScript::class.java, GraftScriptConfiguration::class.java,
            ScriptRecipe::class.java, RecipeScope::class.java)

        fun key(text: String, configuration: ScriptCompilationConfiguration): String {
            val md = MessageDigest.getInstance("SHA-256")
            md.update(text.toByteArray(Charsets.UTF_8))
            md.update(OnnxWriter.GRAFT_VERSION.toByteArray(Charsets.UTF_8))
            md.update(configuration[ScriptCompilationConfiguration.defaultImports].toString().toByteArray(Charsets.UTF_8))
            md.update(configuration[ScriptCompilationConfiguration.implicitReceivers]?.map { it.typeName }.toString().toByteArray(Charsets.UTF_8))
            md.update(configuration[ScriptCompilationConfiguration.baseClass]?.typeName.toString().toByteArray(Charsets.UTF_8))
            for (c in TEMPLATE) {
                c.getResourceAsStream("${c.simpleName}.class")?.use { md.update(it.readAllBytes()) }
            }
            val code = CompiledRecipes::class.java.protectionDomain?.codeSource?.location
            val from = code?.let { runCatching { Path.of(it.toURI()) }.getOrNull() }
            if (from != null && Files.isRegularFile(from)) {
                md.update("${Files.size(from)}:${Files.getLastModifiedTime(from).toMillis()}".toByteArray(Charsets.UTF_8))
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 32)
        }
    }
}
