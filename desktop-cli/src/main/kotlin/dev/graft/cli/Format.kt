package dev.graft.cli

import dev.graft.graph.ValueInfo
import com.github.ajalt.mordant.rendering.AnsiLevel
import com.github.ajalt.mordant.rendering.BorderType
import com.github.ajalt.mordant.rendering.TextAlign
import com.github.ajalt.mordant.rendering.Whitespace
import com.github.ajalt.mordant.table.Borders
import com.github.ajalt.mordant.table.table
import com.github.ajalt.mordant.terminal.Terminal
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

    /**
     * A Mordant table without borders: columns two spaces apart, [rightAligned] columns (numbers)
     * aligned right, cells kept as written (leading spaces indent). Rendered without colour and
     * never wrapped, so that logs and pipes read it as text.
     */
    fun table(header: List<String>, rows: List<List<String>>, rightAligned: Set<Int> = emptySet()): String {
        val widget = table {
            borderType = BorderType.BLANK
            tableBorders = Borders.NONE
            cellBorders = Borders.NONE
            whitespace = Whitespace.PRE
            padding { right = 2 }
            rightAligned.forEach { column(it) { align = TextAlign.RIGHT } }
            header { row(*header.toTypedArray()) }
            body { rows.forEach { rowFrom(it) } }
        }
        return PLAIN.render(widget).lines().joinToString("\n") { it.trimEnd() }
    }

    /** Renders text as it reads in a log: no colour, no wrapping. */
    private val PLAIN = Terminal(ansiLevel = AnsiLevel.NONE, width = 100_000, interactive = false, hyperlinks = false)
}
