package dev.graft.cli

import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.core.UsageError
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.multiple
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.options.required
import com.github.ajalt.clikt.parameters.types.double
import com.github.ajalt.clikt.parameters.types.enum
import com.github.ajalt.clikt.parameters.types.int
import com.github.ajalt.clikt.parameters.types.restrictTo
import dev.graft.recipe.Step
import dev.graft.replace.StudentSpec
import dev.graft.replace.StudentSpec.Kind

/** `graft replace MODEL --from A --to B --with KIND ... --calibration DATA`. */
internal class ReplaceCommand : StepCommand("replace") {
    override fun help(context: Context): String =
        "Cut layers A..B out of a model and graft a fitted student in their place: linear, mlp, " +
            "attention-ffn, thin-conv or skip."

    private val from by option("--from", metavar = "A", help = "first layer of the region (module path, node or tensor)").required()
    private val to by option("--to", metavar = "B", help = "last layer of the region").required()
    private val kind by option("--with", metavar = "KIND", help = "the student")
        .enum<Kind> { it.cliName() }.required()
    private val hidden by option("--hidden", metavar = "W", help = "mlp: hidden width (default: 256)")
        .int().restrictTo(1, StudentSpec.MAX_WIDTH)
    private val fraction by option("--fraction", metavar = "F", help = "thin-conv: share of the channels kept, in (0, 1] (default: 0.5)")
        .fraction()
    /** The old `--width`: its deprecation line is printed once it maps onto [hidden] or [fraction]. */
    private val width by renamedOption("--width", "--hidden or --fraction", "W").double()
    private val depth by option("--depth", metavar = "D", help = "mlp: hidden layers (default: 1)")
        .int().restrictTo(1, StudentSpec.MAX_DEPTH)
    private val heads by option("--heads", metavar = "H", help = "attention-ffn: attention heads (default: 4)")
        .int().restrictTo(1, StudentSpec.MAX_WIDTH)
    private val ffn by option("--ffn", metavar = "F", help = "attention-ffn: feed-forward width (default: 128)")
        .int().restrictTo(1, StudentSpec.MAX_WIDTH)
    private val epochs by option("--epochs", metavar = "N", help = "training epochs, 0 for the fit alone (early stopping may end sooner)")
        .int().restrictTo(min = 0).default(0)
    private val sideInputs by option("--side-input", metavar = "NAME", help = "a model input (mask, positions) the region may read besides its entry, with what the model computes from it alone (an additive [.., tokens, tokens] mask is added to attention-ffn's scores); repeatable").multiple()
    private val finetune by option("--finetune", metavar = "N", help = "then fine-tune the student through the frozen rest of the model on the teacher's outputs, N epochs")
        .int().restrictTo(min = 0).default(0)

    override fun step(): Step = Step.Replace(from, to, student(), epochs, finetune, sideInputs, origin)

    /** The student `--with` names as a value, sized by the options that apply to it; any other is refused. */
    private fun student(): StudentSpec {
        var hidden = this.hidden
        var fraction = this.fraction
        width?.let { w ->
            when (kind) {
                Kind.MLP -> {
                    if (w != Math.rint(w) || w < 1 || w > StudentSpec.MAX_WIDTH) {
                        throw UsageError("--width $w: mlp's hidden width is a whole number from 1 to ${StudentSpec.MAX_WIDTH} (--hidden)")
                    }
                    hidden = renamed(hidden, w.toInt(), "--hidden", "--width")
                }
                Kind.THIN_CONV -> {
                    if (!(w > 0 && w <= 1)) throw UsageError("--width $w: thin-conv's channel fraction must be in (0, 1] (--fraction)")
                    fraction = renamed(fraction, w, "--fraction", "--width")
                }
                else -> throw UsageError("--width applies to --with mlp (use --hidden) or thin-conv (use --fraction)")
            }
            echo("graft: --width is deprecated, use --hidden (mlp) or --fraction (thin-conv) (it will be removed)", err = true)
        }
        applies("--hidden", hidden, Kind.MLP)
        applies("--depth", depth, Kind.MLP)
        applies("--fraction", fraction, Kind.THIN_CONV)
        applies("--heads", heads, Kind.ATTENTION_FFN)
        applies("--ffn", ffn, Kind.ATTENTION_FFN)
        // the kind's defaults come from core (StudentSpec.of), the sizes given here replace them
        return when (val d = StudentSpec.of(kind.cliName())) {
            is StudentSpec.Mlp -> StudentSpec.Mlp(hidden ?: d.hidden(), depth ?: d.depth(), d.activation())
            is StudentSpec.AttentionFfn -> StudentSpec.AttentionFfn(heads ?: d.heads(), ffn ?: d.ffn(), d.activation())
            is StudentSpec.ThinConv -> StudentSpec.ThinConv(fraction ?: d.fraction())
            is StudentSpec.Linear, is StudentSpec.Skip -> d
        }
    }

    private fun applies(option: String, value: Any?, to: Kind) {
        if (value != null && kind != to) throw UsageError("$option applies to --with ${to.cliName()}, not ${kind.cliName()}")
    }
}
