#!/usr/bin/env bash
# Builds the bench once (Release), then runs the transfer-learning benchmark (or, with `memory` first, the memory
# test) with the given options, e.g.
#   OMP_WAIT_POLICY=PASSIVE bench/run-transfer.sh                          # both modes, 3 rounds, 10 epochs (~45-60 min)
#   OMP_WAIT_POLICY=PASSIVE bench/run-transfer.sh --seeds 0,1,2            # each round its own seed (accuracy spread)
#   bench/run-transfer.sh --pairs 1 --epochs 1 --n-train 32 --n-val 16     # smoke (~2 min)
#   OMP_WAIT_POLICY=PASSIVE bench/run-transfer.sh memory                   # one epoch over 1,000 then 10,000 photos
#   bench/run-transfer.sh memory --counts 64,256                           # smoke (~2 min)
# Results: bench/results/transfer.{json,md} and transfer-memory.{json,md} (see bench/README.md).
set -euo pipefail
bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$bench/MlNetTriplet.Bench/MlNetTriplet.Bench.csproj" -c Release --nologo -v quiet
# Run from the repository root: the default --data-dir (data/caltech101) and bench/results are relative to it.
cd "$bench/.."
command=transfer
if [[ "${1:-}" == memory ]]; then
    command=transfer-memory
    shift
fi
exec "$bench/MlNetTriplet.Bench/bin/Release/net10.0/MlNetTriplet.Bench" "$command" "$@"
