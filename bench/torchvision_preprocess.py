#!/usr/bin/python3
"""torchvision's evaluation preprocessing, the reference our image decoding and geometry are measured against.

For each file of --files (one path a line): ImageFolder's loader (PIL open + convert("RGB")), Resize(--resize),
CenterCrop(--crop), ToTensor. With --compare OURS (a raw file of uint8 C x H x W crops, one per file, in the same
order, as the package's preparer writes them times 255) it prints the max / mean absolute difference in [0, 1] units,
overall and per file where they differ most; else it writes torchvision's crops as uint8 to --out.

  /usr/bin/python3 bench/torchvision_preprocess.py --files list.txt --compare ours.bin
"""
import argparse
import json

import numpy as np
import torch
from PIL import Image
from torchvision import transforms


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", required=True, help="text file, one image path a line")
    parser.add_argument("--resize", type=int, default=256)
    parser.add_argument("--crop", type=int, default=224)
    parser.add_argument("--compare", help="our crops: raw uint8 C x H x W per file, in --files order")
    parser.add_argument("--out", help="write torchvision's crops as raw uint8 here instead")
    parser.add_argument("--worst", type=int, default=5, help="files listed with the largest differences")
    args = parser.parse_args()

    files = [line.rstrip("\n") for line in open(args.files, encoding="utf-8") if line.strip()]
    pipeline = transforms.Compose([transforms.Resize(args.resize), transforms.CenterCrop(args.crop), transforms.ToTensor()])
    size = 3 * args.crop * args.crop
    ours = np.fromfile(args.compare, dtype=np.uint8).reshape(len(files), size) if args.compare else None
    out = open(args.out, "wb") if args.out else None
    per_file = []
    total_abs, total_max, values = 0.0, 0.0, 0
    for i, path in enumerate(files):
        with open(path, "rb") as f:
            image = Image.open(f).convert("RGB")
        tensor = pipeline(image)
        reference = torch.round(tensor * 255).to(torch.uint8).numpy().reshape(-1)
        if out:
            out.write(reference.tobytes())
            continue
        diff = np.abs(ours[i].astype(np.int32) - reference.astype(np.int32)) / 255.0
        per_file.append((float(diff.max()), float(diff.mean()), path))
        total_abs += float(diff.sum())
        total_max = max(total_max, float(diff.max()))
        values += diff.size
    if out:
        out.close()
        return
    per_file.sort(reverse=True)
    exact = sum(1 for m, _, _ in per_file if m == 0)
    print(json.dumps({
        "files": len(files), "files_identical": exact, "max_abs": total_max, "mean_abs": total_abs / values,
        "worst": [{"file": p, "max_abs": m, "mean_abs": a} for m, a, p in per_file[:args.worst]],
    }, indent=1))


if __name__ == "__main__":
    main()
