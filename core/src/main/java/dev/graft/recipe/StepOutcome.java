package dev.graft.recipe;

import dev.graft.graph.Graph;
import java.util.Map;

/** A step's resulting model and its report section. */
record StepOutcome(Graph model, Map<String, Object> section) {}
