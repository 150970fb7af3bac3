package dev.graft.cli

import dev.graft.graph.ValueInfo
import java.util.Locale

/** Number and table formatting shared by the commands' text output. */
internal object Format {
    fun count(n: Long): String = String.format(Locale.ROOT, "%,d", n)

    /** 1234567 → "1.23M". */
    fun si(n: Double): String {
        val a = Math.abs(n)
        return when {
            a >= 1e9 -> String.format(Locale.ROOT, "%.2fG", n / 1e9)
            a >= 1e6 -> String.format(Locale.ROOT, "%.2fM", n / 1e6)
            a >= 1e3 -> String.format(Locale.ROOT, "%.1fK", n / 1e3)
            else -> String.format(Locale.ROOT, "%.0f", n)
        }
    }

    fun percent(x: Double): String = String.format(Locale.ROOT, "%.2f%%", 100 * x)

    fun sci(x: Double): String = String.format(Locale.ROOT, "%.3g", x)

    fun signature(v: ValueInfo): String =
        "${v.name()} ${v.type().name.lowercase()}${v.shape() ?: "[?]"}"

    /** Left-aligned columns separated by two spaces; the last column is not padded. */
    fun table(header: List<String>, rows: List<List<String>>, rightAligned: Set<Int> = emptySet()): String {
        val all = listOf(header) + rows
        val widths = header.indices.map { c -> all.maxOf { it[c].length } }
        return all.joinToString("\n") { row ->
            row.indices.joinToString("  ") { c ->
                when {
                    c == row.size - 1 && c !in rightAligned -> row[c]
                    c in rightAligned -> row[c].padStart(widths[c])
                    else -> row[c].padEnd(widths[c])
                }
            }.trimEnd()
        }
    }
}
