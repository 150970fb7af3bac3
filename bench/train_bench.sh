#!/bin/sh
# Training throughput, Graft vs PyTorch. Usage: bench/train_bench.sh [mlp|attention-ffn] [rows] [batch] [epochs] [stepsPerCall]
set -e
cd "$(dirname "$0")/.."
mvn -B -o -pl core compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp > /dev/null
exec java -cp "core/target/classes:$(cat core/target/bench.cp)" bench/TrainBench.java "$@"
