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
import kotlin.script.experimental.jvm.CompiledJvmScriptsCache
import kotlin.script.experimental.jvm.impl.KJvmCompiledScript
import kotlin.script.experimental.jvmhost.loadScriptFromJar
import kotlin.script.experimental.jvmhost.saveToJar

/**
 * Compiled recipe scripts kept as jars in a folder (the step cache), named by the SHA-256 of the
 * script text and of this Graft build (its version and the size and time of the jar it runs from),
 * so a rerun of an unchanged recipe skips the Kotlin compiler. A jar is written atomically; one
 * that cannot be loaded is compiled again.
 */
internal class CompiledRecipes(private val dir: Path, text: String) : CompiledJvmScriptsCache {
    private val jar: Path = dir.resolve("recipe-${key(text)}.jar")

    override fun get(script: SourceCode, scriptCompilationConfiguration: ScriptCompilationConfiguration): CompiledScript? {
        if (!Files.isRegularFile(jar)) return null
        return try {
            jar.toFile().loadScriptFromJar(checkMissingDependencies = true)
        } catch (e: Exception) {
            null
        }
    }

    override fun store(compiledScript: CompiledScript, script: SourceCode, scriptCompilationConfiguration: ScriptCompilationConfiguration) {
        val compiled = compiledScript as? KJvmCompiledScript ?: return
        Files.createDirectories(dir)
        val tmp = Files.createTempFile(dir, ".recipe-", ".jar.tmp")
        try {
            compiled.saveToJar(tmp.toFile())
            AtomicFiles.write(jar) { out -> Files.copy(tmp, out) }
        } finally {
            Files.deleteIfExists(tmp)
        }
    }

    private companion object {
        fun key(text: String): String {
            val md = MessageDigest.getInstance("SHA-256")
            md.update(text.toByteArray(Charsets.UTF_8))
            md.update(OnnxWriter.GRAFT_VERSION.toByteArray(Charsets.UTF_8))
            val code = CompiledRecipes::class.java.protectionDomain?.codeSource?.location
            val from = code?.let { runCatching { Path.of(it.toURI()) }.getOrNull() }
            if (from != null && Files.isRegularFile(from)) {
                md.update("${Files.size(from)}:${Files.getLastModifiedTime(from).toMillis()}".toByteArray(Charsets.UTF_8))
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 32)
        }
    }
}
