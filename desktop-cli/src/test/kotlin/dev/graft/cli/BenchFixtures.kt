package dev.graft.cli

import com.fasterxml.jackson.databind.ObjectMapper
import com.networknt.schema.JsonSchemaFactory
import com.networknt.schema.SpecVersion
import dev.graft.runtime.litert.LiteRtNodeRunner
import io.kotest.assertions.fail
import io.kotest.matchers.collections.shouldBeEmpty
import java.io.File

/** Models, tools and checks shared by the bench specs. */
object BenchFixtures {
    val repo: File by lazy { Fixtures.root.parent.toFile() }
    val ultrafaceTflite: String by lazy {
        Fixtures.thirdParty("ultraface-slim-320.tflite")
    }
    val runnerDir: File by lazy { File(repo, "tools/litert-runner") }

    /** Why the LiteRT runner cannot run here (node or npm packages missing), or null. */
    fun liteRtReason(): String? = LiteRt.runner(System.getenv()).unavailableReason()

    /**
     * Fails, saying how to install it, when the LiteRT runner or its playwright-core is missing:
     * the build installs both (`npm ci` in tools/litert-runner, the reactor's first module).
     */
    fun requireLiteRt(playwright: Boolean = false) {
        val why = liteRtReason() ?: if (playwright && !File(runnerDir, "node_modules/playwright-core").isDirectory) {
            "playwright-core is not installed"
        } else {
            null
        }
        if (why != null) fail("$why; `mvn -B verify` installs it, or run npm ci in $runnerDir")
    }

    /** Why a browser test cannot run here (Chromium, a system package, is missing), or null. */
    fun chromiumReason(): String? =
        if (File(CHROMIUM).canExecute()) null else "$CHROMIUM is not installed (apt-get install chromium; .ci/run does)"

    const val CHROMIUM: String = "/usr/bin/chromium"
}

/** Validates result JSON against the schema graft-runtime ships. */
object SchemaCheck {
    private val schema by lazy {
        SchemaCheck::class.java.getResourceAsStream("/dev/graft/runtime/bench-result.schema.json").use {
            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(it)
        }
    }

    fun assertValid(json: String) {
        schema.validate(ObjectMapper().readTree(json)).map { it.message }.shouldBeEmpty()
    }
}
