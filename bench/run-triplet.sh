#!/usr/bin/env bash
# Builds the bench once (Release), then runs the triplet benchmark with the given options, e.g.
#   OMP_WAIT_POLICY=PASSIVE bench/run-triplet.sh                         # full: both recipes, 3 rounds each
#   bench/run-triplet.sh --pairs 1 --epochs 1 --n-train 3000 --n-test 1000   # smoke
# Results: bench/results/triplet.json and bench/results/triplet.md (see bench/README.md).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$bench/MlNetTriplet.Bench/MlNetTriplet.Bench.csproj" -c Release --nologo -v quiet
cd "$bench/.."
exec "$bench/MlNetTriplet.Bench/bin/Release/net10.0/MlNetTriplet.Bench" triplet "$@"
