package dev.graft.recipe;

import dev.graft.GraftException;
import dev.graft.graph.Graph;
import dev.graft.lowrank.LowRank;
import dev.graft.lowrank.LowRankOptions;
import dev.graft.lowrank.LowRankResult;
import dev.graft.simplify.Simplifier;
import dev.graft.simplify.SimplifyOptions;
import dev.graft.simplify.SimplifyResult;
import dev.graft.thin.ThinOptions;
import dev.graft.thin.ThinResult;
import dev.graft.thin.Thinner;
import java.util.Map;

/**
 * The structural steps, each fitted on the training rows of the calibration set: thinning,
 * low-rank factorization, exact simplification.
 */
final class ShrinkSteps {
  private ShrinkSteps() {}

  static StepOutcome run(Graph model, Step step, RunContext ctx) {
    Map<String, dev.graft.io.NdArray> train = ctx.split.train().inputs();
    try {
      if (step instanceof Step.Thin t) {
        ThinOptions o = ThinOptions.of(t.layers(), t.keep()).multiple(t.multiple())
            .select(t.magnitude() ? ThinOptions.Select.MAGNITUDE : ThinOptions.Select.SOMP)
            .calibration(train);
        ThinResult r = Thinner.thin(model, o);
        return new StepOutcome(r.graph(), r.toJson());
      }
      if (step instanceof Step.LowRank l) {
        LowRankOptions o = l.rank() > 0 ? LowRankOptions.rank(l.layers(), l.rank())
            : LowRankOptions.energy(l.layers(), l.energy());
        if (l.dataAware()) {
          o = o.calibration(train).dataAware(true);
        }
        LowRankResult r = LowRank.factorize(model, o);
        return new StepOutcome(r.graph(), r.toJson());
      }
      if (step instanceof Step.Simplify s) {
        SimplifyOptions o = s.lo() != null ? SimplifyOptions.inputBox(s.lo(), s.hi())
            : SimplifyOptions.calibration(train);
        SimplifyResult r = Simplifier.simplify(model, o);
        return new StepOutcome(r.graph(), r.toJson());
      }
    } catch (GraftException e) {
      if (e.kind() == GraftException.Kind.BAD_INPUT && !e.getMessage().startsWith(
          step.origin().toString())) {
        throw Recipe.error(step.origin(), "%s", e.getMessage());
      }
      throw e;
    }
    throw new IllegalArgumentException("not a structural step: " + step);
  }
}
