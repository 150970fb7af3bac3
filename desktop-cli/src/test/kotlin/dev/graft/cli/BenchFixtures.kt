package dev.graft.cli

import com.fasterxml.jackson.databind.ObjectMapper
import com.networknt.schema.JsonSchemaFactory
import com.networknt.schema.SpecVersion
import dev.graft.runtime.litert.LiteRtNodeRunner
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

    /** Why a browser test cannot run here, or null. */
    fun chromiumReason(): String? = when {
        !File(CHROMIUM).canExecute() -> "$CHROMIUM is not installed (apt-get install chromium)"
        !File(runnerDir, "node_modules/playwright-core").isDirectory ->
            "playwright-core is not installed: run npm ci in $runnerDir"
        else -> liteRtReason()
    }

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
