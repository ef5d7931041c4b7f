#!/usr/bin/python3
"""PyTorch peer of MlNetTriplet's TransferLearningTrainer (issue 11), run as a PyTorch user runs transfer learning.

The same weights (MlNetTriplet's CNTK ImageNet ResNet-18, exported by BackboneModule.ExportTorchVisionStateDict to
--weights and its ".preprocessing.pt" beside it), loaded strictly into torchvision's ResNet(BasicBlock, [2, 2, 2, 3])
with fc = Identity; the same head (dropout, one Linear on the globally average-pooled features: src/Networks/
TransferNetwork.cs); the same photos (listed by MlNetTriplet's LoadFromImageFolder rule); the same
preprocessing (torchvision Resize(256), CenterCrop(224), ToTensor; RandomResizedCrop(224) + RandomHorizontalFlip()
when fine-tuning; then the exported normalisation (x[:, channel_order] * input_scale - mean) / std inside the model);
the trainer's defaults (Adam, lr 0.001 with a per-epoch cosine decay, batch 32, validation batch 64, head dropout 0.2,
backbone lr factor 0.1).

Modes:
  frozen    the backbone in eval mode computes every photo's pooled features once (train at batch 32, then val at
            batch 64, no augmentation), then the head trains on them for --epochs (shuffled batches of 32).
  finetune  every layer trains (the head at lr, the backbone at lr x factor; batch norm in training mode), augmented
            photos streamed by a DataLoader with --workers worker processes (2 on a 2-core machine, as a PyTorch user
            would set it; not persistent, the default), validation after every epoch.

What is timed (the same spans as the package's, see bench/README.md):
  feature_seconds  frozen: from the start of iterating each loader (worker start-up included) to the last batch's
                   features copied into the feature matrix, train then val, summed.
  train_seconds    per epoch, from the start of iterating the training loader (worker start-up included: users run
                   it so) to the end of the last step: waiting for batches, forward, loss, backward, optimiser step,
                   loss.item() and the correct count. Validation is excluded. Frozen: the head's steps on the features.
  inference        after training, the whole model (eval, no_grad) over the val loader at batch 64.

The weights, photo listing and preprocessing come from bench/peer_photos.py (shared with bench/similarity_peer.py).
Prints one JSON line last (and writes it to --out when given).

  /usr/bin/python3 bench/transfer_peer.py --weights DIR/resnet18-cntk.pt --data-dir data/caltech101 \\
      --mode frozen --epochs 10 --threads 2 --seed 0
"""
import argparse
import os
import platform
import random
import resource
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from torch import nn

from peer_photos import (POOLED_FEATURES, augmented_transform, evaluation_transform, extract, list_images, loader,
                         load_normalization, load_resnet18, write_result)


def find_splits(root):
    """ImageFolderSplits.Find: train/ and the first of val/, valid/, validation/, test/ (names case-insensitive)."""
    names = {n.lower(): n for n in sorted(os.listdir(root)) if os.path.isdir(os.path.join(root, n))}
    validation = next((names[n] for n in ("val", "valid", "validation", "test") if n in names), None)
    if "train" not in names or validation is None:
        raise SystemExit(f"{root} needs train/ and val/ (or test/) folders of class sub-folders")
    return os.path.join(root, names["train"]), os.path.join(root, validation)


class TransferNet(nn.Module):
    """MlNetTriplet's TransferNetwork: normalisation, the backbone, global average pooling, dropout, one Linear."""

    def __init__(self, weights, classes, dropout):
        super().__init__()
        self.normalize = load_normalization(weights)
        self.backbone = load_resnet18(weights)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(POOLED_FEATURES, classes))

    def features(self, x):
        return self.backbone(self.normalize(x))

    def forward(self, x):
        return self.head(self.features(x))


def evaluate(model, data):
    """Mean loss, accuracy, images and seconds of the whole model over a loader (eval, no_grad)."""
    model.eval()
    loss_sum, correct, seen = 0.0, 0, 0
    start = time.perf_counter()
    with torch.no_grad():
        for x, y in data:
            out = model(x)
            loss_sum += F.cross_entropy(out, y).item() * len(y)
            correct += (out.argmax(1) == y).sum().item()
            seen += len(y)
    return loss_sum / max(seen, 1), correct / max(seen, 1), seen, time.perf_counter() - start


def step(model, optimizer, x, y):
    """One training step as the package's loop does it; returns the batch's summed loss and correct count."""
    out = model(x)
    loss = F.cross_entropy(out, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item() * len(y), (out.argmax(1) == y).sum().item()


def train_frozen(model, train, valid, args):
    model.eval()
    train_features, train_labels, train_seconds = extract(model.features, train, len(train.dataset))
    valid_features, valid_labels, valid_seconds = extract(model.features, valid, len(valid.dataset))
    feature_images = len(train.dataset) + len(valid.dataset)
    head = model.head
    optimizer = torch.optim.Adam(head.parameters(), lr=args.lr)
    schedule = scheduler(optimizer, args)
    generator = torch.Generator()
    generator.manual_seed(args.seed)
    epochs = []
    rows = len(train_labels)
    for epoch in range(1, args.epochs + 1):
        head.train()
        loss_sum, correct = 0.0, 0
        start = time.perf_counter()
        order = torch.randperm(rows, generator=generator)
        for first in range(0, rows, args.batch_size):
            index = order[first:first + args.batch_size]
            batch_loss, batch_correct = step(head, optimizer, train_features[index], train_labels[index])
            loss_sum += batch_loss
            correct += batch_correct
        seconds = time.perf_counter() - start
        schedule.step()
        head.eval()
        with torch.no_grad():
            out = head(valid_features)
            valid_loss = F.cross_entropy(out, valid_labels).item()
            valid_accuracy = (out.argmax(1) == valid_labels).float().mean().item()
        epochs.append(epoch_figures(epoch, seconds, rows, loss_sum, correct, valid_loss, valid_accuracy))
    return epochs, {"feature_images": feature_images, "feature_seconds": train_seconds + valid_seconds,
                    "feature_images_per_second": feature_images / (train_seconds + valid_seconds),
                    "feature_seconds_train": train_seconds, "feature_seconds_val": valid_seconds}


def train_finetune(model, train, valid, args):
    optimizer = torch.optim.Adam([
        {"params": model.head.parameters(), "lr": args.lr},
        {"params": model.backbone.parameters(), "lr": args.lr * args.backbone_lr_factor},
    ], lr=args.lr)
    schedule = scheduler(optimizer, args)
    epochs = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        loss_sum, correct, seen = 0.0, 0, 0
        start = time.perf_counter()
        for x, y in train:
            batch_loss, batch_correct = step(model, optimizer, x, y)
            loss_sum += batch_loss
            correct += batch_correct
            seen += len(y)
        seconds = time.perf_counter() - start
        schedule.step()
        valid_loss, valid_accuracy, _, _ = evaluate(model, valid)
        epochs.append(epoch_figures(epoch, seconds, seen, loss_sum, correct, valid_loss, valid_accuracy))
    return epochs, {}


def scheduler(optimizer, args):
    """The trainer's LearningRateSchedule: Cosine (its default here) sets epoch e's rate to lr * 0.5 * (1 + cos(pi e /
    epochs)), as CosineAnnealingLR stepped once per epoch; Constant keeps lr."""
    if args.schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: 1.0)


def epoch_figures(epoch, seconds, images, loss_sum, correct, valid_loss, valid_accuracy):
    figures = {"epoch": epoch, "seconds": seconds, "images": images, "images_per_second": images / seconds,
               "loss": loss_sum / images, "train_accuracy": correct / images, "validation_loss": valid_loss,
               "validation_accuracy": valid_accuracy}
    print(f"  [peer] epoch {epoch}: loss {figures['loss']:.4f} train_acc {figures['train_accuracy']:.4f} "
          f"val_acc {valid_accuracy:.4f} {figures['images_per_second']:.1f} img/s", flush=True)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", required=True, help="the exported state_dict (.pt); .preprocessing.pt beside it")
    parser.add_argument("--data-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "caltech101"),
                        help="train/ and val/ of class folders (default: the repository's data/caltech101)")
    parser.add_argument("--mode", choices=("frozen", "finetune"), default="frozen")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--eval-batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--schedule", choices=("cosine", "constant"), default="cosine")
    parser.add_argument("--backbone-lr-factor", type=float, default=0.1)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=2, help="DataLoader worker processes")
    parser.add_argument("--out", help="also write the result JSON here")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    start = time.perf_counter()
    train_dir, valid_dir = find_splits(args.data_dir)
    classes, train_samples = list_images(train_dir)
    valid_classes, valid_samples = list_images(valid_dir)
    if valid_classes != classes:
        raise SystemExit(f"validation classes {valid_classes} differ from training classes {classes}")
    model = TransferNet(args.weights, len(classes), args.dropout)
    evaluation = evaluation_transform()
    augmented = augmented_transform()
    fine_tune = args.mode == "finetune"
    train = loader(train_samples, augmented if fine_tune else evaluation, args.batch_size, fine_tune, args.workers,
                   args.seed)
    valid = loader(valid_samples, evaluation, args.eval_batch_size, False, args.workers, args.seed)
    load_seconds = time.perf_counter() - start

    epochs, features = (train_finetune if fine_tune else train_frozen)(model, train, valid, args)
    inference_loss, inference_accuracy, inference_images, inference_seconds = evaluate(model, valid)

    train_seconds = sum(e["seconds"] for e in epochs)
    images = sum(e["images"] for e in epochs)
    result = {
        "mode": args.mode, "torch_version": torch.__version__, "torchvision_version": torchvision.__version__,
        "python_version": platform.python_version(), "threads": torch.get_num_threads(), "seed": args.seed,
        "epochs_run": len(epochs), "batch_size": args.batch_size, "eval_batch_size": args.eval_batch_size,
        "lr": args.lr, "schedule": args.schedule, "backbone_lr_factor": args.backbone_lr_factor, "dropout": args.dropout,
        "dataloader_workers": args.workers, "classes": classes,
        "n_train": len(train_samples), "n_val": len(valid_samples), "load_seconds": load_seconds,
        **features,
        "train_seconds": train_seconds, "images": images, "train_images_per_second": images / train_seconds,
        "validation_accuracy": epochs[-1]["validation_accuracy"], "validation_loss": epochs[-1]["validation_loss"],
        "inference_seconds": inference_seconds, "inference_images_per_second": inference_images / inference_seconds,
        "inference_accuracy": inference_accuracy, "inference_loss": inference_loss,
        # ru_maxrss is in KiB on Linux; the DataLoader's workers are processes of their own (reaped once each loader
        # finishes), so the largest one is reported beside the main process.
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workers_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "epochs_detail": epochs,
        "omp_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT")},
    }
    write_result(result, args.out)


if __name__ == "__main__":
    main()
