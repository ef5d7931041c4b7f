#!/usr/bin/env bash
# Builds the bench once (Release), then runs the UMAP benchmark against umap-learn with the given options, e.g.
#   bench/run-umap.sh                                   # full: 3 pairs of fit70k, transform, correlation (~40-60 min)
#   bench/run-umap.sh --pairs 1 --cases correlation     # smoke (~3 min)
# Results: bench/results/umap.json and bench/results/umap.md (see bench/README.md).
# With "seeds" first, it runs the maps-over-seeds comparison (umap-seeds) instead, e.g.
#   bench/run-umap.sh seeds --projector output/projector   # seeds 0-14 of a TripletSemiHard run (~25 min)
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command=umap
if [[ "${1:-}" == seeds ]]; then
    command=umap-seeds
    shift
fi
dotnet build "$bench/MlNetTriplet.Bench/MlNetTriplet.Bench.csproj" -c Release --nologo -v quiet
cd "$bench/.."
exec "$bench/MlNetTriplet.Bench/bin/Release/net10.0/MlNetTriplet.Bench" "$command" "$@"
