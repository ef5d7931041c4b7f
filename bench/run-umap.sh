#!/usr/bin/env bash
# Builds the bench once (Release), then runs the UMAP benchmark against umap-learn with the given options, e.g.
#   bench/run-umap.sh                                   # full: 3 pairs of fit70k, transform, correlation (~40-60 min)
#   bench/run-umap.sh --pairs 1 --cases correlation     # smoke (~3 min)
# Results: bench/results/umap.json and bench/results/umap.md (see bench/README.md).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$bench/MlNetTriplet.Bench/MlNetTriplet.Bench.csproj" -c Release --nologo -v quiet
cd "$bench/.."
exec "$bench/MlNetTriplet.Bench/bin/Release/net10.0/MlNetTriplet.Bench" umap "$@"
