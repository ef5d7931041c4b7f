"""What the PyTorch peers of MlNetTriplet's photo trainers share (bench/transfer_peer.py, bench/similarity_peer.py):
the package's photo listing, its preprocessing, and its ImageNet ResNet-18 loaded from the torchvision export.

The weights are MlNetTriplet's CNTK ImageNet ResNet-18, written by BackboneModule.ExportTorchVisionStateDict (the
bench's `export-resnet18 PATH.pt` command, or the transfer benchmark's parent) with its ".preprocessing.pt" beside it,
loaded strictly into torchvision's ResNet(BasicBlock, [2, 2, 2, 3]) with fc = Identity. Preprocessing as torchvision
evaluates (Resize(256), CenterCrop(224), ToTensor) or augments (RandomResizedCrop(224) + RandomHorizontalFlip()),
then the exported normalisation (x[:, channel_order] * input_scale - mean) / std inside the network.
"""
import json
import os
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms
from torchvision.datasets.folder import default_loader
from torchvision.models.resnet import BasicBlock, ResNet

# MlNetTriplet's ImageDecoder.Extensions. torchvision's ImageFolder has no ".gif" in IMG_EXTENSIONS and would skip
# the GIF of hymenoptera's training set (244 instead of 245 photos), so the files are listed here.
EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"}

# Channels of the globally average-pooled features of the ResNet-18.
POOLED_FEATURES = 512


def list_images(folder):
    """MlNetTriplet's ImageFolderScanner: classes are the non-hidden sub-folders sorted by name; a class's photos are
    every non-hidden file below its folder (recursively) with an image extension, sorted by (folder, name)."""
    classes = sorted(d for d in os.listdir(folder)
                     if not d.startswith(".") and os.path.isdir(os.path.join(folder, d)))
    samples = []
    for index, name in enumerate(classes):
        found = []
        for root, dirs, files in os.walk(os.path.join(folder, name)):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found.extend((root, f) for f in files
                         if not f.startswith(".") and os.path.splitext(f)[1].lower() in EXTENSIONS)
        samples.extend((os.path.join(root, f), index) for root, f in sorted(found))
    return classes, samples


class Photos(Dataset):
    """(path, class) rows read with torchvision's default loader (PIL open + convert("RGB"), as ImageFolder)."""

    def __init__(self, samples, transform):
        self.samples, self.transform = samples, transform

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        path, label = self.samples[i]
        return self.transform(default_loader(path)), label


def evaluation_transform():
    """torchvision's evaluation preprocessing, as the package reads photos for features and inference."""
    return transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor()])


def augmented_transform(min_scale=0.08):
    """The package's ImageAugmentation (MinimumScale default 0.08, as torchvision's RandomResizedCrop)."""
    return transforms.Compose([transforms.RandomResizedCrop(224, scale=(min_scale, 1.0)),
                               transforms.RandomHorizontalFlip(), transforms.ToTensor()])


class Normalization(nn.Module):
    """The exported preprocessing: CNTK's BGR 0-255 minus a 224 x 224 mean image, from RGB in [0, 1]."""

    def __init__(self, constants):
        super().__init__()
        self.register_buffer("channel_order", constants["channel_order"].long())
        self.register_buffer("mean", constants["mean"].float())
        self.register_buffer("std", constants["std"].float())
        self.input_scale = float(constants["input_scale"])

    def forward(self, x):
        return (x[:, self.channel_order] * self.input_scale - self.mean) / self.std


def preprocessing_path(weights):
    stem, extension = os.path.splitext(weights)
    return f"{stem}.preprocessing{extension}"


def load_normalization(weights):
    return Normalization(torch.load(preprocessing_path(weights)))


def load_resnet18(weights):
    """The export loaded strictly; fc = Identity, so the output is torchvision's avgpool + flatten: [n, 512]."""
    backbone = ResNet(BasicBlock, [2, 2, 2, 3])
    backbone.fc = nn.Identity()  # the export has no classifier
    backbone.load_state_dict(torch.load(weights), strict=True)
    return backbone


def loader(samples, transform, batch_size, shuffle, workers, seed):
    generator = torch.Generator()
    generator.manual_seed(seed)
    return DataLoader(Photos(samples, transform), batch_size=batch_size, shuffle=shuffle, num_workers=workers,
                      generator=generator)


def extract(features, data, rows, width=POOLED_FEATURES):
    """features(x) of every photo of a loader, in order, under no_grad; returns (features, labels, seconds), the
    seconds from the start of iterating the loader (worker start-up included) to the last batch copied."""
    out = torch.empty(rows, width)
    labels = torch.empty(rows, dtype=torch.long)
    seen = 0
    start = time.perf_counter()
    with torch.no_grad():
        for x, y in data:
            n = len(y)
            out[seen:seen + n] = features(x)
            labels[seen:seen + n] = y
            seen += n
    return out, labels, time.perf_counter() - start


def write_result(result, out=None):
    """Prints the run's figures as one JSON line (the line the bench parent reads) and, with out, writes it there too."""
    line = json.dumps(result)
    if out:
        with open(out, "w", encoding="utf-8") as f:
            f.write(line + "\n")
    print(line)
