#!/usr/bin/env bash
# Builds the bench once (Release), then runs the CNN benchmark with the given options, e.g.
#   bench/run-cnn.sh                                   # full: 5 epochs, 3 rounds (~20-40 min on 2 cores)
#   bench/run-cnn.sh --epochs 1 --pairs 1 --n-train 5000 --n-test 1000   # smoke (~1 min)
#   OMP_WAIT_POLICY=PASSIVE bench/run-cnn.sh           # on a busy machine: same OpenMP env for every side
# Results: bench/results/cnn.json and bench/results/cnn.md (see bench/README.md).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$bench/MlNetTriplet.Bench/MlNetTriplet.Bench.csproj" -c Release --nologo -v quiet
# Run from the repository root: the bench finds MlNetTriplet.sln (for bench/results and bench/peers) upwards.
cd "$bench/.."
exec "$bench/MlNetTriplet.Bench/bin/Release/net10.0/MlNetTriplet.Bench" cnn "$@"
