package dev.graft.cli

import dev.graft.runtime.litert.LiteRtNodeRunner
import java.io.File

/** Finds tools/litert-runner for the `litert` and `browser` bench backends. */
internal object LiteRt {
    /**
     * The runner named by `GRAFT_LITERT_RUNNER` (its folder, as core's verification reads it, or
     * its cli.mjs), else the one under `GRAFT_HOME`
     * (set by the `graft` launcher), else [LiteRtNodeRunner.locate] (the working directory and
     * its parents). Node is `node` on the PATH unless `-Dgraft.node` says otherwise.
     */
    fun runner(env: Map<String, String>): LiteRtNodeRunner {
        val node = System.getProperty(LiteRtNodeRunner.NODE_PROPERTY, "node")
        env["GRAFT_LITERT_RUNNER"]?.takeIf { it.isNotEmpty() }?.let {
            val f = File(it)
            return LiteRtNodeRunner(node, if (f.isDirectory) File(f, "cli.mjs") else f)
        }
        env["GRAFT_HOME"]?.let { home ->
            val cli = File(home, "tools/litert-runner/cli.mjs")
            if (cli.isFile) return LiteRtNodeRunner(node, cli)
        }
        return LiteRtNodeRunner.locate()
    }
}
