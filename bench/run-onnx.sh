#!/usr/bin/env bash
# Builds the bench once (Release), then runs the ONNX benchmark with the given options, e.g.
#   OMP_WAIT_POLICY=PASSIVE bench/run-onnx.sh                                        # 3 rounds (~5-10 min)
#   bench/run-onnx.sh --pairs 1 --cnn-train-rows 500 --cnn-rows 256 --n-train 16 --n-val 8   # smoke (~1-2 min)
# Results: bench/results/onnx.{json,md} (see bench/README.md).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$bench/MlNetTriplet.Bench/MlNetTriplet.Bench.csproj" -c Release --nologo -v quiet
# Run from the repository root: the default photo folder and bench/results are relative to it.
cd "$bench/.."
exec "$bench/MlNetTriplet.Bench/bin/Release/net10.0/MlNetTriplet.Bench" onnx "$@"
