#!/usr/bin/python3
"""umap-learn (Debian's 0.5.3) on a TensorBoard projector export: one seeded fit per seed, the peer side of
`MlNetTriplet.Bench umap-seeds`. Run with /usr/bin/python3 (it sees the apt-installed umap-learn).

Each embedding is written as CSV (n x 2) to --out-dir; the last stdout line is one JSON object with the settings, the
umap-learn version and, per seed, the fit seconds and the CSV path. Seeded, umap-learn runs its layout on one thread:
the maps are reproducible, the timings are not comparable with the unseeded bench (`umap`)."""
import argparse
import json
import os
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vecs", required=True, help="vecs.tsv: one tab-separated embedding per line")
    ap.add_argument("--seeds", required=True, help="comma-separated random_state values, e.g. 0,1,2")
    ap.add_argument("--metric", default="correlation")
    ap.add_argument("--n-neighbors", type=int, default=15)
    ap.add_argument("--min-dist", type=float, default=0.3)
    ap.add_argument("--out-dir", required=True)
    a = ap.parse_args()

    import umap

    X = np.loadtxt(a.vecs, delimiter="\t", dtype=np.float32, ndmin=2)
    os.makedirs(a.out_dir, exist_ok=True)
    runs = []
    for seed in [int(s) for s in a.seeds.split(",") if s]:
        model = umap.UMAP(n_components=2, n_neighbors=a.n_neighbors, min_dist=a.min_dist, metric=a.metric,
                          random_state=seed)
        t0 = time.perf_counter()
        E = model.fit_transform(X)
        seconds = time.perf_counter() - t0
        path = os.path.abspath(os.path.join(a.out_dir, "umap-learn-seed{}.csv".format(seed)))
        np.savetxt(path, E, delimiter=",", fmt="%.9g")
        runs.append({"seed": seed, "fit_seconds": seconds, "embedding": path})
        print("umap-learn seed {}: {:.1f} s".format(seed, seconds), flush=True)
    print(json.dumps({"umap_learn": getattr(umap, "__version__", "?"), "rows": int(X.shape[0]),
                      "dims": int(X.shape[1]), "metric": a.metric, "n_neighbors": a.n_neighbors,
                      "min_dist": a.min_dist, "runs": runs}))


if __name__ == "__main__":
    main()
