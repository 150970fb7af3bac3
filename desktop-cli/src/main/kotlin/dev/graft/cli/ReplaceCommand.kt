package dev.graft.cli

import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.multiple
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.options.required
import com.github.ajalt.clikt.parameters.types.choice
import com.github.ajalt.clikt.parameters.types.double
import com.github.ajalt.clikt.parameters.types.int
import dev.graft.recipe.Step
import dev.graft.replace.StudentSpec

/** `graft replace MODEL --from A --to B --with KIND ... --calibration DATA`. */
internal class ReplaceCommand : StepCommand("replace") {
    override fun help(context: Context): String =
        "Cut layers A..B out of a model and graft a fitted student in their place: linear, mlp, " +
            "attention-ffn, thin-conv or skip."

    private val from by option("--from", help = "first layer of the region (module path, node or tensor)").required()
    private val to by option("--to", help = "last layer of the region").required()
    private val kind by option("--with", help = "the student").choice(*StudentSpec.KINDS.toTypedArray()).required()
    private val width by option("--width", help = "mlp: hidden width; thin-conv: channel fraction").double()
    private val depth by option("--depth", help = "mlp: hidden layers").int()
    private val heads by option("--heads", help = "attention-ffn: attention heads").int()
    private val ffn by option("--ffn", help = "attention-ffn: feed-forward width").int()
    private val epochs by option("--epochs", help = "training epochs (early stopping may end sooner)").int().default(0)
    private val sideInputs by option("--side-input", help = "a model input (mask, positions) the region may read besides its entry; repeatable").multiple()
    private val finetune by option("--finetune", help = "then fine-tune the student through the frozen rest of the model on the teacher's outputs, N epochs").int().default(0)

    override fun step(): Step =
        Step.Replace(from, to, StudentSpec.of(kind, width, depth, heads, ffn), epochs, finetune, sideInputs, origin)
}
