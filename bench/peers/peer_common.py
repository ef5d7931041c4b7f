"""What the PEER benchmark scripts share: reading Fashion-MNIST/MNIST IDX files, embedding in small batches, the
retrieval metrics (pytorch-metric-learning's AccuracyCalculator definitions), and writing the result record."""
import gzip, json, os, resource

import numpy as np
import torch
import torch.nn.functional as F

DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"


def load_split(data_dir, split, limit):
    """IDX (gzip, or plain if the .gz is absent) -> float32 N x 1 x 28 x 28 in [0,1], int64 labels."""
    out = []
    for kind, magic in (("images-idx3", 2051), ("labels-idx1", 2049)):
        path = os.path.join(data_dir, f"{split}-{kind}-ubyte.gz")
        path = path if os.path.exists(path) or not os.path.exists(path[:-3]) else path[:-3]
        with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
            raw = f.read()
        if int.from_bytes(raw[0:4], "big") != magic:
            raise ValueError(f"{path}: magic {int.from_bytes(raw[0:4], 'big')}, expected {magic}")
        dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(magic - 2048)]
        arr = np.frombuffer(raw, np.uint8, int(np.prod(dims)), 4 + 4 * len(dims))
        out.append(arr.reshape(dims[0], 1, *dims[1:]).astype(np.float32) / 255.0 if magic == 2051
                   else arr.astype(np.int64))
    if len(out[0]) != len(out[1]):
        raise ValueError(f"{split}: {len(out[0])} images but {len(out[1])} labels")
    return torch.from_numpy(out[0][:limit or None].copy()), torch.from_numpy(out[1][:limit or None].copy())


@torch.no_grad()
def embed_all(embed, x, batch=64):  # small batches: much faster than 1000 on this CPU build
    """embed(x_batch) over x in batches, concatenated."""
    return torch.cat([embed(x[i:i + batch]) for i in range(0, len(x), batch)])


@torch.no_grad()
def retrieval_metrics(q, ql, r, rl, p=2.0, budget=1 << 24):
    """P@1, R-precision, MAP@R over test-vs-other-test; 1-NN / 10-NN accuracy of test vs train."""
    n, ncls = len(q), int(max(ql.max(), rl.max())) + 1
    big_r = torch.bincount(ql, minlength=ncls)[ql] - 1              # other items with the same label
    k = int(big_r.max()); ranks = torch.arange(1, k + 1, dtype=torch.float32)
    sums, valid = torch.zeros(3, dtype=torch.float64), 0
    rows = max(1, budget // n)
    for s in range(0, n, rows):
        d = torch.cdist(q[s:s + rows], q, p=p)
        d[torch.arange(len(d)), torch.arange(s, s + len(d))] = float("inf")   # exclude self
        hit = (ql[d.topk(k, 1, largest=False).indices] == ql[s:s + rows, None]).float()
        rr = big_r[s:s + rows]
        ok, inr, rf = rr > 0, (ranks[None, :] <= rr[:, None]).float(), rr.clamp(min=1).float()
        sums[0] += hit[ok, 0].sum()
        sums[1] += ((hit * inr).sum(1) / rf)[ok].sum()
        sums[2] += ((hit.cumsum(1) / ranks * hit * inr).sum(1) / rf)[ok].sum()
        valid += int(ok.sum())
    knn = torch.zeros(2, dtype=torch.float64)
    rows = max(1, budget // len(r))
    for s in range(0, n, rows):
        nb = rl[torch.cdist(q[s:s + rows], r, p=p).topk(10, 1, largest=False).indices]
        knn[0] += (nb[:, 0] == ql[s:s + rows]).sum()
        knn[1] += (F.one_hot(nb, ncls).sum(1).argmax(1) == ql[s:s + rows]).sum()   # first max = smallest label
    m = (sums / valid).tolist()
    return {"precision_at_1": m[0], "r_precision": m[1], "mean_average_precision_at_r": m[2],
            "knn1_accuracy": knn[0].item() / n, "knn10_accuracy": knn[1].item() / n}


def write_result(result, out):
    """Adds the OpenMP settings and the peak resident memory, writes the record to out (when given) and prints it."""
    result = {**result,
              "omp_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT")},
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}
    if out:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, "w") as f:
            json.dump(result, f, indent=2)
    print(json.dumps(result))
