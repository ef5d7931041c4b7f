#!/usr/bin/env bash
# Regenerates the report screenshots in this folder: runs the tool on the real data (Release build, default budgets),
# opens each report in headless Chromium and cuts the page into screen-sized PNGs (256 colours, to keep the repository
# small). Needs Debian's chromium and python3-pil. Usage: docs/cli/screenshots.sh [FOLDER]; a scenario whose report is
# already in FOLDER/<scenario>/ is not run again.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out" && out=$(realpath "$out")
# The tool runs in FOLDER, where data/ links to the repository's data: the reports show the paths as typed there
# (data/..., relative), not the folders of this machine.
ln -sfn "$repo/data" "$out/data"
tool() { (cd "$out" && dotnet run --project "$repo/tools/MlNetTriplet.Cli" -c Release -- "$@"); }
run() { [ -f "$out/$1/report.html" ] || tool "$@" -o "$1"; }
run classification --dataset data/bank-marketing/kaggle-bank-balanced.csv --label-col deposit --train-time 60
run image-classification --dataset data/caltech101
run embeddings --dataset /usr/share/datasets/fashion-mnist
for scenario in classification image-classification embeddings; do
  # The flags keep Chromium off the network (it would try Google's hosts at every start).
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" --hide-scrollbars --window-size=1280,9000 \
    --screenshot="$out/$scenario.png" "file://$(realpath "$out/$scenario/report.html")" 2>/dev/null
  rm -f "docs/cli/$scenario"-*.png
  /usr/bin/python3 - "$out/$scenario.png" "docs/cli/$scenario" <<'PY'
import sys
from PIL import Image
page = Image.open(sys.argv[1]).convert("RGB")
width, height = page.size
background = page.getpixel((5, height - 5))
bottom = height - 1  # the window is taller than the page: drop the empty end
while bottom > 0 and all(page.getpixel((x, bottom)) == background for x in range(0, width, 8)):
    bottom -= 1
page = page.crop((0, 0, width, bottom + 20))
for part, top in enumerate(range(0, page.size[1], 1400), start=1):
    screen = page.crop((0, top, width, min(top + 1400, page.size[1])))
    screen.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(f"{sys.argv[2]}-{part}.png", optimize=True)
PY
done
echo "Reports and outputs in $out"
