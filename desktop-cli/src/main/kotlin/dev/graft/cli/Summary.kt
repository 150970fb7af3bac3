package dev.graft.cli

/** The before/after table printed at the end of a run, from its report. */
internal object Summary {
    fun render(report: Map<String, Any?>): String {
        val rows = mutableListOf<List<String>>()
        pair(report["params"])?.let { (t, r) -> rows += listOf("params", Format.count(t.toLong()), Format.count(r.toLong()), ratio(t, r)) }
        pair(report["flops"])?.let { (t, r) -> rows += listOf("MACs per sample", Format.si(t), Format.si(r), ratio(t, r)) }
        pair((report["timings"] as? Map<*, *>)?.get("latency_ms"))?.let { (t, r) -> rows += listOf("latency ms (ORT, batch 1)", "%.3f".format(java.util.Locale.ROOT, t), "%.3f".format(java.util.Locale.ROOT, r), ratio(t, r)) }
        rows += TfliteRows.rows(report)
        pair(report["accuracy"])?.let { (t, r) -> rows += listOf("accuracy", Format.percent(t), Format.percent(r), "") }
        val out = StringBuilder()
        out.appendLine(Format.table(listOf("", "teacher", "result", "ratio"), rows, setOf(1, 2, 3)))
        TfliteRows.notes(report).forEach { out.appendLine(it) }
        (report["fidelity"] as? Map<*, *>)?.let { f ->
            out.appendLine()
            out.appendLine(
                "fidelity on ${num(f["samples"]).toLong()} samples of the ${f["data"]}: top-1 agreement ${Format.percent(num(f["top1_agreement"]))}, " +
                    "max abs error ${Format.sci(num(f["max_abs_err"]))}, relative MSE ${Format.sci(num(f["rel_mse"]))}",
            )
        }
        roleLines(report["roles"]).forEach { out.appendLine("role         $it") }
        val regions = (report["regions"] as? List<*>).orEmpty().mapNotNull { it as? Map<*, *> }
        if (regions.isNotEmpty()) {
            out.appendLine()
            out.appendLine(
                Format.table(
                    listOf("region", "student", "params", "train rel MSE", "held-out rel MSE", "samples/s"),
                    regions.map {
                        listOf(
                            it["region"].toString(), it["student"].toString(),
                            "${Format.count(num(it["region_params"]).toLong())} → ${Format.count(num(it["student_params"]).toLong())}",
                            Format.sci(num(it["train_rel_mse"])), Format.sci(num(it["heldout_rel_mse"])),
                            "%.0f".format(java.util.Locale.ROOT, num(it["samples_per_second"])),
                        )
                    },
                ),
            )
        }
        (report["calibration"] as? Map<*, *>)?.let { c ->
            val used = num(c["samples"]).toLong()
            val available = num(c["available"]).toLong()
            if (available > used) {
                out.appendLine("calibration  used $used of $available samples (the in-memory limit on inputs: a third of the Java heap, at most 1 GiB; GRAFT_JAVA_OPTS=-Xmx... raises it)")
            }
        }
        (report["requirements"] as? List<*>).orEmpty().mapNotNull { it as? Map<*, *> }.forEach {
            out.appendLine("requirement  ${it["requirement"]}: ${Format.sci(num(it["value"]))} ${if (it["met"] == true) "met" else "NOT met"}")
        }
        return out.toString().trimEnd()
    }

    private fun pair(o: Any?): Pair<Double, Double>? {
        val m = o as? Map<*, *> ?: return null
        return num(m["teacher"]) to num(m["result"])
    }

    private fun ratio(t: Double, r: Double): String = if (t == 0.0) "" else "%.2f×".format(java.util.Locale.ROOT, r / t)

    private fun num(o: Any?): Double = (o as? Number)?.toDouble() ?: Double.NaN
}
