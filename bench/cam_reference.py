#!/usr/bin/python3
"""Reference class activation maps computed by PyTorch (Debian's python3-torch 1.13, torchvision 0.14), for
MlNetTriplet's cross-check: the same weights and images, the maps computed here independently with PyTorch's own
forward hooks and autograd.

usage: /usr/bin/python3 bench/cam_reference.py DIR

Reads, all written by `dotnet run --project bench/ClassActivationMaps -c Release -- crosscheck`:
  DIR/spec.json         {"kind": "cnn" | "resnet18-cntk", "architecture": the CnnArchitecture (cnn), "image_shape":
                        [C, H, W], "classes": K, "cases": [{"name", "method": "Cam" | "GradCam", "layer": block name,
                        "target": "Predicted" | "PredictedVersusRunnerUp"}]}
  DIR/network.pt        cnn: the CnnModule state_dict (features.conv0.weight ... head.fc.bias);
                        resnet18-cntk: the backbone as BackboneModule.ExportTorchVisionStateDict writes it
  DIR/network.preprocessing.pt, DIR/head.pt   resnet18-cntk only: the input preprocessing and {"weight", "bias"}
                        of the dense layer after global average pooling
  DIR/input.pt          {"images": N x C x H x W, the network input}
Writes DIR/reference.pt {"<case>": N x H x W maps, "<case>.classes": N explained classes (int64)}.

A map: the block's feature maps A (forward hook), channel weights w (CAM: the dense layer's row of the explained
class, minus the runner-up's for a contrast; Grad-CAM: the spatial mean of d score / dA from torch.autograd.grad),
ReLU(sum_c w_c A_c), bilinear upsampling to H x W (align_corners=False), then each map scaled to [0, 1].
"""
import json
import sys
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models.resnet import BasicBlock, ResNet


class Cnn(nn.Module):
    """MlNetTriplet's CnnModule with a global-average-pool head, under the same state_dict names."""

    def __init__(self, architecture, shape, classes):
        super().__init__()
        layers, self.block_ends = OrderedDict(), []
        channels = shape[0]
        for i, b in enumerate(architecture["Blocks"]):
            assert b["Activation"] == "Relu", "only ReLU blocks are rebuilt here"
            padding = "same" if b["SamePadding"] else (b["Padding"] if b["Padding"] is not None else b["KernelSize"] // 2)
            layers[f"conv{i}"] = nn.Conv2d(channels, b["Filters"], b["KernelSize"], stride=b["Stride"], padding=padding)
            if b["BatchNorm"]:
                layers[f"bn{i}"] = nn.BatchNorm2d(b["Filters"])
            layers[f"act{i}"] = nn.ReLU()
            if b["Pooling"] == "Max":
                layers[f"pool{i}"] = nn.MaxPool2d(b["PoolSize"])
            elif b["Pooling"] == "Average":
                layers[f"pool{i}"] = nn.AvgPool2d(b["PoolSize"])
            if b["Dropout"] > 0:
                layers[f"drop{i}"] = nn.Dropout(b["Dropout"])
            self.block_ends.append(next(reversed(layers)))
            channels = b["Filters"]
        assert architecture["Head"] == "GlobalAveragePool", "CAM needs the global-average-pool head"
        head = OrderedDict(gap=nn.AdaptiveAvgPool2d(1), flatten=nn.Flatten())
        if architecture["HeadDropout"] > 0:
            head["drop"] = nn.Dropout(architecture["HeadDropout"])
        head["fc"] = nn.Linear(channels, classes)
        self.features, self.head = nn.Sequential(layers), nn.Sequential(head)

    def forward(self, x):
        return self.head(self.features(x))

    def block(self, name):
        return getattr(self.features, self.block_ends[int(name.removeprefix("block"))])

    @property
    def classifier(self):
        return self.head.fc


class Resnet18Cntk(nn.Module):
    """torchvision's ResNet(BasicBlock, [2, 2, 2, 3]) with the exported preprocessing in front and a new head."""

    def __init__(self, directory, classes):
        super().__init__()
        self.net = ResNet(BasicBlock, [2, 2, 2, 3])
        self.net.fc = nn.Identity()
        # A loaded BackboneModule can list its input normalisation a second time under the field's name
        # (_normalize.mean/std); that is the preprocessing, exported apart, so only those entries are left out.
        state = {k: v for k, v in torch.load(f"{directory}/network.pt").items() if not k.startswith("_normalize.")}
        self.net.load_state_dict(state, strict=True)
        head = torch.load(f"{directory}/head.pt")
        self.net.fc = nn.Linear(head["weight"].shape[1], classes)
        self.net.fc.load_state_dict(head, strict=True)
        self.pre = torch.load(f"{directory}/network.preprocessing.pt")

    def forward(self, x):
        p = self.pre
        return self.net((x[:, p["channel_order"]] * p["input_scale"] - p["mean"]) / p["std"])

    def block(self, name):
        return getattr(self.net, name)

    @property
    def classifier(self):
        return self.net.fc


def load_cnn(directory, spec):
    model = Cnn(spec["architecture"], spec["image_shape"], spec["classes"])
    missing, unexpected = model.load_state_dict(torch.load(f"{directory}/network.pt"), strict=False)
    # TorchSharp's state_dict has no batch-norm step counter, which inference never reads.
    assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
    return model


def maps(model, images, case):
    captured = {}
    hook = model.block(case["layer"]).register_forward_hook(lambda module, inputs, output: captured.update(a=output))
    try:
        logits = model(images)
    finally:
        hook.remove()
    a = captured["a"]
    top = logits.topk(2, dim=1).indices
    explained = top[:, 0]
    other = top[:, 1] if case["target"] == "PredictedVersusRunnerUp" else None
    score = logits.gather(1, explained[:, None])[:, 0]
    if other is not None:
        score = score - logits.gather(1, other[:, None])[:, 0]
    if case["method"] == "Cam":
        weight = model.classifier.weight.detach()
        w = weight[explained] - (weight[other] if other is not None else 0)
    else:
        (gradient,) = torch.autograd.grad(score.sum(), a)
        w = gradient.mean(dim=(2, 3))
    cam = F.relu((w[:, :, None, None] * a.detach()).sum(1))
    cam = F.interpolate(cam[:, None], size=images.shape[2:], mode="bilinear", align_corners=False)[:, 0]
    flat = cam.flatten(1)
    low = flat.min(1, keepdim=True).values
    flat = (flat - low) / (flat.max(1, keepdim=True).values - low).clamp_min(1e-12)
    return flat.view_as(cam), explained


def main(directory):
    torch.set_num_threads(2)
    with open(f"{directory}/spec.json") as f:
        spec = json.load(f)
    model = load_cnn(directory, spec) if spec["kind"] == "cnn" else Resnet18Cntk(directory, spec["classes"])
    model.eval()
    images = torch.load(f"{directory}/input.pt")["images"].float()
    reference = {}
    for case in spec["cases"]:
        m, classes = maps(model, images, case)
        reference[case["name"]] = m.contiguous()
        reference[case["name"] + ".classes"] = classes.contiguous()
    torch.save(reference, f"{directory}/reference.pt")
    print(f"wrote {directory}/reference.pt: {', '.join(c['name'] for c in spec['cases'])} for {len(images)} images")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
