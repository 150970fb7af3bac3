package dev.graft.cli

import dev.graft.runtime.litert.LiteRtNode
import dev.graft.runtime.litert.LiteRtNodeRunner

/** The LiteRT runner for the `litert` and `browser` bench backends. */
internal object LiteRt {
    /**
     * The runner [LiteRtNode.locate] finds with [env] as the environment: the folder named by
     * `-Dgraft.litert.runner` or `GRAFT_LITERT_RUNNER`, else `$GRAFT_HOME/tools/litert-runner`,
     * else `tools/litert-runner` above the working folder — the same one convert's verification uses.
     */
    fun runner(env: Map<String, String>): LiteRtNodeRunner = LiteRtNodeRunner(LiteRtNode.locate(env))
}
