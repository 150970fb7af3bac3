#!/bin/sh
# Training throughput, Graft vs PyTorch (Debian's python3-torch, CPU). Usage:
#   bench/train_bench.sh [mlp|attention-ffn] [rows] [batch] [epochs] [stepsPerCall]
# Runs the TrainBench program through bench/run, which builds the bench module first.
set -e
exec "$(dirname "$0")/run" TrainBench "$@"
