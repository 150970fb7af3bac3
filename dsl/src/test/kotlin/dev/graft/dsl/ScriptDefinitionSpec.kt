package dev.graft.dsl

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import kotlin.script.experimental.annotations.KotlinScript
import kotlin.script.experimental.api.ScriptAcceptedLocation
import kotlin.script.experimental.api.acceptedLocations
import kotlin.script.experimental.api.defaultImports
import kotlin.script.experimental.api.fileExtension
import kotlin.script.experimental.api.ide
import kotlin.script.experimental.api.implicitReceivers
import kotlin.script.experimental.jvm.defaultJvmScriptingHostConfiguration
import kotlin.script.experimental.jvm.util.classpathFromClassloader
import kotlin.script.experimental.api.KotlinType
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.host.createCompilationConfigurationFromTemplate
import kotlin.script.experimental.host.toScriptSource
import org.jetbrains.kotlin.scripting.definitions.discoverScriptTemplatesInClasspath

/** IntelliJ IDEA and Android Studio find script definitions on a module's classpath; so must they find ours. */
class ScriptDefinitionSpec : FunSpec({
    val marker = "META-INF/kotlin/script/templates/"

    test("the classpath marks the template, whose annotation and settings load as the IDE loads them") {
        val loader = GraftScript::class.java.classLoader
        val names = loader.getResources(marker.trimEnd('/')).toList().flatMap { url ->
            when (url.protocol) {
                "file" -> java.io.File(url.toURI()).list()!!.toList()
                "jar" -> (url.openConnection() as java.net.JarURLConnection).jarFile.use { jar ->
                    jar.entries().toList().map { it.name }.filter { it.startsWith(marker) }.map { it.removePrefix(marker) }
                }
                else -> emptyList()
            }
        }
        val templates = names.map { it.removeSuffix(".classname") }.filter { it.isNotEmpty() }
        templates shouldBe listOf("dev.graft.dsl.GraftScript")

        // by name, as the IDE knows it from the marker
        val template = Class.forName(templates.single(), true, loader).kotlin
        val annotation = template.annotations.filterIsInstance<KotlinScript>().single()
        annotation.fileExtension shouldBe "graft.kts"
        annotation.compilationConfiguration shouldBe GraftScriptConfiguration::class
        // what createJvmCompilationConfigurationFromTemplate<T>() does, for a class known only by name
        val config = createCompilationConfigurationFromTemplate(KotlinType(template), defaultJvmScriptingHostConfiguration, template)
        config[ScriptCompilationConfiguration.fileExtension] shouldBe "graft.kts"
        config[ScriptCompilationConfiguration.defaultImports] shouldBe listOf("dev.graft.dsl.*")
        val receivers: List<KotlinType> = config[ScriptCompilationConfiguration.implicitReceivers]!!
        receivers.map { it.typeName } shouldBe listOf("dev.graft.dsl.ScriptRecipe")
        config[ScriptCompilationConfiguration.ide.acceptedLocations] shouldBe listOf(ScriptAcceptedLocation.Everywhere)
    }

    test("the Kotlin plugin's own classpath discovery finds the definition") {
        val classpath = classpathFromClassloader(GraftScript::class.java.classLoader)!!
        val found = discoverScriptTemplatesInClasspath(
            classpath, GraftScript::class.java.classLoader, defaultJvmScriptingHostConfiguration,
        ) { _, _ -> }.toList()
        val ours = found.singleOrNull { it.definitionId == "dev.graft.dsl.GraftScript" }
        ours shouldNotBe null
        ours!!.fileExtension shouldBe "graft.kts"
        ours.isScript("teacher(\"m.onnx\")".toScriptSource("r.graft.kts")) shouldBe true
    }
})
