#!/usr/bin/env bash
# The README's test command. On a Debian 12 machine with the .NET SDK it installs what the tests need and the machine
# lacks (Debian packages: dataset-fashion-mnist, the real data; chromium, which opens the command-line tool's HTML
# reports; python3-onnx, whose checker reads every ONNX graph the tests write), runs every test (`dotnet test`) and
# ends with "N passed, N failed" alone on the last line. Every other data set the tests read is in data/ of this
# repository.
set -uo pipefail
cd "$(dirname "$0")"

summary() { echo "$1 passed, $2 failed"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else return 1
  fi
}

# $1: Debian package, $2: a file it installs, $3: what the tests use it for.
require() {
  [ -e "$2" ] && return 0
  echo "Installing $1 ($3)..."
  if ! { as_root apt-get install -y -qq "$1" >/dev/null 2>&1 \
         || { as_root apt-get update -qq && as_root apt-get install -y -qq "$1"; }; }; then
    echo "Could not install the Debian package $1 ($3): it needs root or sudo and the Debian archive." >&2
    echo "Install it yourself (sudo apt-get install $1), then run ./test.sh again." >&2
    return 1
  fi
}

require dataset-fashion-mnist /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz "Fashion-MNIST, the tests' images" \
  && require chromium /usr/bin/chromium "opens the command-line tool's reports, headless" \
  && require python3-onnx /usr/lib/python3/dist-packages/onnx/__init__.py \
       "onnx.checker.check_model(full_check=True) on every ONNX graph the tests write" \
  || { summary 0 1; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Microsoft.Testing.Platform prints "total: N / failed: N / succeeded: N / skipped: N" per test project.
total() { grep -E "^\s*$1:\s*[0-9]+" "$log" | awk '{s += $2} END {print s + 0}'; }
passed=$(total succeeded)
failed=$(total failed)
skipped=$(total skipped)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # a build or runner failure counts as a failure
[ "$skipped" -eq 0 ] || echo "$skipped skipped"
summary "$passed" "$failed"
exit "$status"
