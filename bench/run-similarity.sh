#!/usr/bin/env bash
# Builds the bench once (Release), then runs the image-similarity benchmark with the given options, e.g.
#   OMP_WAIT_POLICY=PASSIVE bench/run-similarity.sh                                  # Caltech, mode last, 2 rounds, 2 epochs
#   OMP_WAIT_POLICY=PASSIVE bench/run-similarity.sh --mode frozen --epochs 30 --data-dir DIR/cub100 --name similarity-cub-frozen
#   bench/run-similarity.sh --pairs 1 --epochs 1 --out-dir /tmp/similarity-smoke      # smoke (~3 min)
# Results: bench/results/similarity.json and bench/results/similarity.md (see bench/README.md).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$bench/MlNetTriplet.Bench/MlNetTriplet.Bench.csproj" -c Release --nologo -v quiet
# Run from the repository root: bench/results is relative to it.
cd "$bench/.."
exec "$bench/MlNetTriplet.Bench/bin/Release/net10.0/MlNetTriplet.Bench" similarity "$@"
