#!/usr/bin/python3
"""PyTorch peer of MlNetTriplet's photo embeddings (issue 24): metric learning on the package's pretrained ResNet-18,
measured with the protocol of "A Metric Learning Reality Check" (Musgrave et al. 2020).

Protocol: the class folders of --data-dir, sorted by name; training uses the first --train-classes (default: half),
retrieval is measured among the photos of the other classes, which training never sees: every held-out photo queries
all the other held-out photos. MAP@R, R-precision and P@1 as pytorch-metric-learning's AccuracyCalculator defines them
(R = the number of other photos of the query's class; MAP@R = mean over queries of (1/R) sum_{i<=R} P@i * rel_i).
The baseline is the untrained backbone's pooled features of the same held-out photos, with Euclidean and with cosine
distance; the trained embeddings are unit length, so both distances rank them alike.

The same weights, photos and preprocessing as the package (bench/peer_photos.py, shared with transfer_peer.py): the
CNTK ImageNet ResNet-18 export, MlNetTriplet's photo listing, Resize(256) + CenterCrop(224) for features and
evaluation, RandomResizedCrop(224) + RandomHorizontalFlip() when the backbone trains. The same network and loss as the
package's triplet embeddings: the globally average-pooled features, then a Linear to --embedding-size, optional batch
norm, L2 normalisation (x / max(||x||, 1e-12)); batch-hard triplet loss (per anchor its farthest positive and closest
negative, margin loss on Euclidean distances, mean over the anchors that have both) on class-balanced P x K batches
(P distinct classes, K photos each, without replacement when the class has K; training rows / (P x K) steps an epoch).
Adam; the backbone's trainable layers at --lr x --backbone-lr-factor; a per-epoch cosine decay by default.

Modes:
  frozen  the backbone (eval) computes every photo's pooled features once (batch 64, no augmentation); the head
          trains on them. --feature-cache FILE keeps them between runs (keyed by the weights file and the paths).
  last    the last block (layer4) and the head train, augmented photos streamed by a DataLoader (--workers); the stem
          and layer1-3 stay frozen with their batch-norm statistics fixed.
  all     every layer trains (batch norm in training mode), augmented photos.

What is timed (as transfer_peer.py): train_seconds per epoch, from the start of iterating the epoch's batches (the
DataLoader's worker start-up included) to the end of the last step (forward, loss, backward, optimiser step,
loss.item()); frozen: the head's steps on the cached features. Feature extraction and evaluation are excluded and
reported apart. Prints one JSON line last (and writes it to --out when given).

  bench/MlNetTriplet.Bench/bin/Release/net10.0/MlNetTriplet.Bench export-resnet18 /tmp/w/resnet18-cntk.pt
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/similarity_peer.py --weights /tmp/w/resnet18-cntk.pt \\
      --data-dir DIR/cub100 --mode frozen --epochs 30 --threads 2 --seed 0
"""
import argparse
import os
import platform
import random
import resource
import time

import numpy as np
import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader

from peer_photos import (POOLED_FEATURES, Photos, augmented_transform, evaluation_transform, extract, list_images,
                         loader, load_normalization, load_resnet18, write_result)

EVAL_BATCH = 64


def l2_normalize(x):
    return x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)


class EmbeddingHead(nn.Module):
    """Linear from the pooled features to the embedding, optional batch norm, L2 normalisation."""

    def __init__(self, size, batch_norm):
        super().__init__()
        self.linear = nn.Linear(POOLED_FEATURES, size)
        self.norm = nn.BatchNorm1d(size) if batch_norm else nn.Identity()

    def forward(self, pooled):
        return l2_normalize(self.norm(self.linear(pooled)))


class EmbeddingNet(nn.Module):
    """Normalisation, the backbone with global average pooling, the embedding head. In mode "last" only layer4
    trains: the earlier layers' weights take no gradient (so autograd keeps none of their activations) and their
    batch norm stays in eval mode."""

    def __init__(self, weights, head, mode, batch_norm_eval=False):
        super().__init__()
        self.normalize = load_normalization(weights)
        self.backbone = load_resnet18(weights)
        self.head = head
        self.frozen = [] if mode == "all" else [self.backbone.conv1, self.backbone.bn1, self.backbone.layer1,
                                                self.backbone.layer2, self.backbone.layer3]
        for module in self.frozen:
            module.requires_grad_(False)
        # --batch-norm-eval: every batch norm of the backbone normalises with its pretrained statistics while training
        # (the affine weights of the trained layers still learn), as the multi-similarity and Proxy-Anchor code does.
        self.fixed_statistics = [m for m in self.backbone.modules() if isinstance(m, nn.BatchNorm2d)] \
            if batch_norm_eval else []

    def train(self, mode=True):
        super().train(mode)
        for module in self.frozen + self.fixed_statistics:
            module.eval()
        return self

    def backbone_parameters(self):
        return [p for p in self.backbone.parameters() if p.requires_grad]

    def pooled(self, x):
        return self.backbone(self.normalize(x))

    def forward(self, x):
        return self.head(self.pooled(x))

    def pooled_and_embedding(self, x):
        pooled = self.pooled(x)
        return torch.cat([pooled, self.head(pooled)], 1)


def pairwise_euclidean(e):
    """The package's Distances.Pairwise(Euclidean): squared distances from the Gram matrix clamped at 0, a square root
    that is 0 (gradient 0) where its argument is 0, an exact-zero diagonal."""
    squares = e.square().sum(1)
    squared = (squares[:, None] + squares[None, :] - 2 * e @ e.t()).clamp_min(0)
    zero = squared <= 0
    d = (squared + zero.to(e.dtype) * 1e-16).sqrt() * (~zero).to(e.dtype)
    return d * (1 - torch.eye(len(e), dtype=e.dtype))


def batch_hard_triplet_loss(e, y, margin):
    """Batch-hard (Hermans et al.) as the package mines it; returns (mean loss over valid anchors, share of valid
    anchors whose loss is above zero)."""
    d = pairwise_euclidean(e)
    same = y[:, None] == y[None, :]
    positive = same & ~torch.eye(len(y), dtype=torch.bool)
    negative = ~same
    hardest_positive = torch.where(positive, d, torch.zeros_like(d)).amax(1)
    hardest_negative = torch.where(negative, d, d.amax(1, keepdim=True).expand_as(d)).amin(1)
    valid = (positive.any(1) & negative.any(1)).to(e.dtype)
    losses = (margin + hardest_positive - hardest_negative).relu() * valid
    count = valid.sum().clamp_min(1)
    return losses.sum() / count, ((losses > 0).to(e.dtype).sum() / count).item()


def pk_batches(labels, p, k, steps, rng):
    """steps batches of P distinct classes x K rows each (rows without replacement when the class has K), as the
    package's ClassBalancedBatchSampler draws them; classes with fewer than 2 rows are never drawn."""
    pools = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    pools = [rows for rows in pools if len(rows) >= 2]
    if len(pools) < p:
        raise SystemExit(f"{p} classes per batch, but only {len(pools)} training classes have at least two photos")
    return [np.concatenate([rng.choice(pools[c], k, replace=len(pools[c]) < k)
                            for c in rng.choice(len(pools), p, replace=False)]).tolist() for _ in range(steps)]


def retrieval_metrics(embeddings, labels, distance, chunk=512):
    """P@1, R-precision and MAP@R (pytorch-metric-learning's definitions), each row querying all the other rows;
    distance "euclidean" or "cosine" (Euclidean on L2-normalised rows, the same ranking)."""
    x = l2_normalize(embeddings) if distance == "cosine" else embeddings
    r = torch.bincount(labels)[labels] - 1
    k = int(r.max())
    ranks = torch.arange(1, k + 1, dtype=torch.float64)
    sums, queries = torch.zeros(3, dtype=torch.float64), 0
    for s in range(0, len(x), chunk):
        d = torch.cdist(x[s:s + chunk].double(), x.double())
        rows = torch.arange(len(d))
        d[rows, rows + s] = float("inf")  # a photo does not retrieve itself
        hit = (labels[d.topk(k, 1, largest=False).indices] == labels[s:s + chunk, None]).double()
        rr = r[s:s + chunk]
        ok = rr > 0
        within = (ranks[None, :] <= rr[:, None]).double()
        rf = rr.clamp_min(1).double()
        sums[0] += hit[ok, 0].sum()
        sums[1] += ((hit * within).sum(1) / rf)[ok].sum()
        sums[2] += ((hit.cumsum(1) / ranks * hit * within).sum(1) / rf)[ok].sum()
        queries += int(ok.sum())
    m = (sums / queries).tolist()
    return {"map_at_r": m[2], "r_precision": m[1], "precision_at_1": m[0], "queries": queries}


def both_distances(features, labels):
    return {"euclidean": retrieval_metrics(features, labels, "euclidean"),
            "cosine": retrieval_metrics(features, labels, "cosine")}


def cached_pooled_features(samples, weights, cache_file, workers):
    """Pooled features (eval preprocessing, batch 64) of the samples, from --feature-cache when it holds them all for
    these weights; returns (features, seconds or None when read from the cache)."""
    key = {"weights": os.path.abspath(weights), "size": os.path.getsize(weights),
           "mtime": os.path.getmtime(weights), "torch": torch.__version__}
    cache = torch.load(cache_file) if cache_file and os.path.exists(cache_file) else None
    if cache is not None and cache["key"] == key and all(path in cache["features"] for path, _ in samples):
        return torch.stack([cache["features"][path] for path, _ in samples]), None
    model = nn.Sequential(load_normalization(weights), load_resnet18(weights)).eval()
    data = loader(samples, evaluation_transform(), EVAL_BATCH, False, workers, 0)
    features, _, seconds = extract(model, data, len(samples))
    if cache_file:
        stored = cache["features"] if cache is not None and cache["key"] == key else {}
        stored.update({path: features[i].clone() for i, (path, _) in enumerate(samples)})
        torch.save({"key": key, "features": stored}, cache_file)
    return features, seconds


def scheduler(optimizer, args):
    """Cosine: epoch e's rate is lr * 0.5 * (1 + cos(pi e / epochs)) (CosineAnnealingLR stepped once per epoch, as the
    package's LearningRateSchedule.Cosine); constant keeps lr."""
    if args.schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: 1.0)


def step(model, optimizer, x, y, margin):
    loss, active = batch_hard_triplet_loss(model(x), y, margin)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item(), active


def epoch_figures(epoch, seconds, steps, images, loss_sum, active_sum, held_out):
    figures = {"epoch": epoch, "seconds": seconds, "images": images, "images_per_second": images / seconds,
               "loss": loss_sum / steps, "active_anchors": active_sum / steps}
    line = (f"  epoch {epoch}: loss {figures['loss']:.4f} active {figures['active_anchors']:.3f} "
            f"{figures['images_per_second']:.1f} img/s")
    if held_out is not None:
        figures["held_out"] = held_out
        line += (f"  held-out MAP@R {held_out['map_at_r']:.4f} R-prec {held_out['r_precision']:.4f} "
                 f"P@1 {held_out['precision_at_1']:.4f}")
    print(line, flush=True)
    return figures


def train_frozen(head, train_features, train_labels, held_features, held_labels, args, rng):
    """The head alone on cached pooled features."""
    optimizer = torch.optim.Adam(head.parameters(), lr=args.lr)
    schedule = scheduler(optimizer, args)
    labels = train_labels.numpy()
    steps = max(1, len(labels) // (args.classes_per_batch * args.samples_per_class))
    epochs = []
    for epoch in range(1, args.epochs + 1):
        batches = pk_batches(labels, args.classes_per_batch, args.samples_per_class, steps, rng)
        head.train()
        loss_sum, active_sum, images = 0.0, 0.0, 0
        start = time.perf_counter()
        for index in batches:
            index = torch.tensor(index)
            loss, active = step(head, optimizer, train_features[index], train_labels[index], args.margin)
            loss_sum += loss
            active_sum += active
            images += len(index)
        seconds = time.perf_counter() - start
        schedule.step()
        held_out = None
        if evaluate_now(epoch, args):
            held_out = retrieval_metrics(embed_features(head, held_features), held_labels, "euclidean")
        epochs.append(epoch_figures(epoch, seconds, steps, images, loss_sum, active_sum, held_out))
    return epochs


def embed_features(head, features):
    head.eval()
    with torch.no_grad():
        return torch.cat([head(features[s:s + 1024]) for s in range(0, len(features), 1024)])


def train_backbone(model, train_samples, held_samples, args, rng):
    """Layer4 (mode last) or every layer (mode all) with the head, on augmented photos in P x K batches."""
    optimizer = torch.optim.Adam([
        {"params": model.head.parameters(), "lr": args.lr},
        {"params": model.backbone_parameters(), "lr": args.lr * args.backbone_lr_factor},
    ], lr=args.lr)
    schedule = scheduler(optimizer, args)
    labels = np.array([y for _, y in train_samples])
    steps = max(1, len(labels) // (args.classes_per_batch * args.samples_per_class))
    transform = (augmented_transform(args.crop_min_scale) if args.augmentation == "crop-flip"
                 else evaluation_transform())
    generator = torch.Generator()
    generator.manual_seed(args.seed)
    epochs = []
    for epoch in range(1, args.epochs + 1):
        batches = pk_batches(labels, args.classes_per_batch, args.samples_per_class, steps, rng)
        data = DataLoader(Photos(train_samples, transform), batch_sampler=batches, num_workers=args.workers,
                          generator=generator)
        model.train()
        loss_sum, active_sum, images = 0.0, 0.0, 0
        start = time.perf_counter()
        for x, y in data:
            loss, active = step(model, optimizer, x, y, args.margin)
            loss_sum += loss
            active_sum += active
            images += len(y)
        seconds = time.perf_counter() - start
        schedule.step()
        held_out = None
        if evaluate_now(epoch, args) and epoch < args.epochs:  # the last epoch is evaluated by main
            _, embeddings, held_labels, _ = embed_photos(model, held_samples, args)
            held_out = retrieval_metrics(embeddings, held_labels, "euclidean")
        epochs.append(epoch_figures(epoch, seconds, steps, images, loss_sum, active_sum, held_out))
    return epochs


def embed_photos(model, samples, args):
    """(pooled features, embeddings, labels, seconds) of photos through the trained network (eval, no_grad)."""
    model.eval()
    data = loader(samples, evaluation_transform(), EVAL_BATCH, False, args.workers, args.seed)
    both, labels, seconds = extract(model.pooled_and_embedding, data, len(samples),
                                    POOLED_FEATURES + args.embedding_size)
    return both[:, :POOLED_FEATURES], both[:, POOLED_FEATURES:], labels, seconds


def interpolated_pooled(model, weights, held_samples, args):
    """WiSE-FT (Wortsman et al. 2022): for each alpha of --interpolate, the backbone's weights and batch-norm
    statistics alpha x fine-tuned + (1 - alpha) x pretrained, then retrieval with the pooled features (cosine) of the
    held-out photos; the fine-tuned weights are restored after."""
    trained = {k: v.clone() for k, v in model.backbone.state_dict().items()}
    pretrained = torch.load(weights)
    figures = {}
    for alpha in args.interpolate:
        model.backbone.load_state_dict({k: (alpha * v + (1 - alpha) * pretrained[k].to(v.dtype)) if v.is_floating_point() else v
                                        for k, v in trained.items()})
        pooled, _, labels, _ = embed_photos(model, held_samples, args)
        figures[str(alpha)] = retrieval_metrics(pooled, labels, "cosine")
        m = figures[str(alpha)]
        print(f"  interpolated alpha {alpha}: pooled cosine MAP@R {m['map_at_r']:.4f} R-prec {m['r_precision']:.4f} "
              f"P@1 {m['precision_at_1']:.4f}", flush=True)
    model.backbone.load_state_dict(trained)
    return figures


def evaluate_now(epoch, args):
    return args.eval_every > 0 and epoch % args.eval_every == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", required=True, help="the exported state_dict (.pt); .preprocessing.pt beside it")
    parser.add_argument("--data-dir", required=True, help="a folder of class folders (e.g. CUB-200-2011 images/, or a subset of its species)")
    parser.add_argument("--train-classes", type=int, default=0,
                        help="train on the first N class folders, retrieve among the rest (default 0: half)")
    parser.add_argument("--mode", choices=("frozen", "last", "all"), default="frozen")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--classes-per-batch", type=int, default=8, help="P")
    parser.add_argument("--samples-per-class", type=int, default=4, help="K")
    parser.add_argument("--embedding-size", type=int, default=128)
    parser.add_argument("--batch-norm", action="store_true", help="batch norm between the Linear and the L2 norm")
    parser.add_argument("--batch-norm-eval", action="store_true",
                        help="modes last/all: the backbone's batch norm keeps its pretrained statistics while training")
    parser.add_argument("--lr", type=float, default=1e-3, help="the head's learning rate (Adam)")
    parser.add_argument("--backbone-lr-factor", type=float, default=0.1)
    parser.add_argument("--schedule", choices=("cosine", "constant"), default="cosine")
    parser.add_argument("--margin", type=float, default=0.2)
    parser.add_argument("--augmentation", choices=("crop-flip", "none"), default="crop-flip",
                        help="when the backbone trains: RandomResizedCrop + flip, or the evaluation preprocessing")
    parser.add_argument("--crop-min-scale", type=float, default=0.08, help="RandomResizedCrop's smallest area share")
    parser.add_argument("--eval-every", type=int, default=0,
                        help="also measure held-out retrieval every N epochs (excluded from the timing; 0 = at the end)")
    parser.add_argument("--feature-cache", help="frozen mode and baselines: keep pooled features in this file")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2, help="DataLoader worker processes")
    parser.add_argument("--interpolate", type=lambda v: [float(a) for a in v.split(",")], default=[],
                        help="modes last/all: also measure the pooled features (cosine) of the backbone interpolated "
                             "between pretrained and fine-tuned weights, for each comma-separated alpha (WiSE-FT)")
    parser.add_argument("--out", help="also write the result JSON here")
    args = parser.parse_args()
    if args.classes_per_batch < 2 or args.samples_per_class < 2:
        parser.error("--classes-per-batch and --samples-per-class must be at least 2 (negatives and positives)")

    load_before = os.getloadavg()
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    classes, samples = list_images(args.data_dir)
    split = args.train_classes or len(classes) // 2
    if not 2 <= split <= len(classes) - 2:
        raise SystemExit(f"{len(classes)} class folders in {args.data_dir}: need 2+ to train on and 2+ held out")
    train_samples = [(p, y) for p, y in samples if y < split]
    held_samples = [(p, y - split) for p, y in samples if y >= split]
    held_labels = torch.tensor([y for _, y in held_samples])

    frozen = args.mode == "frozen"
    feature_samples = train_samples + held_samples if frozen else held_samples
    features, feature_seconds = cached_pooled_features(feature_samples, args.weights, args.feature_cache, args.workers)
    held_features = features[len(feature_samples) - len(held_samples):]
    baseline = both_distances(held_features, held_labels)
    print(f"baseline (untrained pooled features, {len(held_samples)} held-out photos): "
          + ", ".join(f"{d} MAP@R {m['map_at_r']:.4f} R-prec {m['r_precision']:.4f} P@1 {m['precision_at_1']:.4f}"
                      for d, m in baseline.items()), flush=True)

    head = EmbeddingHead(args.embedding_size, args.batch_norm)
    trained_pooled = interpolated = trained_with_pretrained = None
    if frozen:
        train_features = features[:len(train_samples)]
        train_labels = torch.tensor([y for _, y in train_samples])
        epochs = train_frozen(head, train_features, train_labels, held_features, held_labels, args, rng)
        embeddings, eval_seconds = embed_features(head, held_features), None
    else:
        model = EmbeddingNet(args.weights, head, args.mode, args.batch_norm_eval)
        epochs = train_backbone(model, train_samples, held_samples, args, rng)
        pooled, embeddings, labels, eval_seconds = embed_photos(model, held_samples, args)
        assert torch.equal(labels, held_labels)
        trained_pooled = both_distances(pooled, held_labels)
        # The package's PhotoEmbeddingSource.BackboneAndPretrained: the fine-tuned and the untrained pooled features,
        # each L2-normalised and scaled by 1/sqrt(2), side by side (cosine = the mean of the two networks' cosines).
        ensemble = torch.cat([l2_normalize(pooled), l2_normalize(held_features)], 1) / 2 ** 0.5
        trained_with_pretrained = retrieval_metrics(ensemble, held_labels, "euclidean")
        m = trained_with_pretrained
        print(f"  fine-tuned + pretrained pooled features: MAP@R {m['map_at_r']:.4f} R-prec {m['r_precision']:.4f} "
              f"P@1 {m['precision_at_1']:.4f}", flush=True)
        interpolated = interpolated_pooled(model, args.weights, held_samples, args) if args.interpolate else None
    trained = retrieval_metrics(embeddings, held_labels, "euclidean")
    epochs[-1]["held_out"] = trained

    train_seconds = sum(e["seconds"] for e in epochs)
    images = sum(e["images"] for e in epochs)
    base = baseline["euclidean"]
    result = {
        "mode": args.mode, "torch_version": torch.__version__, "torchvision_version": torchvision.__version__,
        "python_version": platform.python_version(), "threads": torch.get_num_threads(), "seed": args.seed,
        "epochs_run": len(epochs), "classes_per_batch": args.classes_per_batch,
        "samples_per_class": args.samples_per_class, "embedding_size": args.embedding_size,
        "batch_norm": args.batch_norm, "batch_norm_eval": args.batch_norm_eval, "lr": args.lr, "backbone_lr_factor": args.backbone_lr_factor,
        "schedule": args.schedule, "margin": args.margin,
        "augmentation": None if frozen else args.augmentation,
        "crop_min_scale": None if frozen or args.augmentation == "none" else args.crop_min_scale,
        "dataloader_workers": args.workers, "data_dir": os.path.abspath(args.data_dir),
        "train_classes": classes[:split], "held_out_classes": classes[split:],
        "n_train": len(train_samples), "n_held_out": len(held_samples),
        "feature_images": len(feature_samples), "feature_seconds": feature_seconds,
        "train_seconds": train_seconds, "images": images, "train_images_per_second": images / train_seconds,
        "eval_seconds": eval_seconds,
        "baseline": baseline, "trained": trained, "trained_pooled": trained_pooled,
        "trained_with_pretrained": trained_with_pretrained, "interpolated_pooled": interpolated,
        "gain_map_at_r": trained["map_at_r"] - base["map_at_r"],
        "gain_precision_at_1": trained["precision_at_1"] - base["precision_at_1"],
        # ru_maxrss is in KiB on Linux; DataLoader workers are processes of their own, reported beside.
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "load_average_before": load_before, "load_average_after": os.getloadavg(),
        "epochs_detail": epochs,
        "omp_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT")},
    }
    print(f"trained: MAP@R {trained['map_at_r']:.4f} R-prec {trained['r_precision']:.4f} "
          f"P@1 {trained['precision_at_1']:.4f} (gain over Euclidean baseline: MAP@R {result['gain_map_at_r']:+.4f}, "
          f"P@1 {result['gain_precision_at_1']:+.4f}); {train_seconds:.1f} s of training, "
          f"{result['train_images_per_second']:.1f} img/s", flush=True)
    write_result(result, args.out)


if __name__ == "__main__":
    main()
