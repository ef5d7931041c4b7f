#!/usr/bin/python3
"""One-off cross-check of MlNetTriplet's backbones against PyTorch (Debian's python3-torch 1.13, torchvision 0.14).

  make DIR   writes DIR/resnet18.pth (torch.save of torchvision.models.resnet18(weights=None).state_dict(), seed 0,
             batch-norm running means drawn in [-0.1, 0.1] and variances in [0.5, 1.5] so they matter), DIR/input.pt {"images": 4 x 3 x 224
             x 224 RGB in [0, 1]} and DIR/expected.pt {"features": torchvision's pooled layer4 features of those
             images after ImageNet mean/std normalisation}.
  check DIR  loads the CNTK ResNet-18 exported by BackboneModule.ExportTorchVisionStateDict (DIR/resnet18-cntk.pt and
             DIR/resnet18-cntk.preprocessing.pt) into torchvision.models.resnet.ResNet(BasicBlock, [2, 2, 2, 3]) with
             fc = Identity and strict=True, runs DIR/input.pt through it with the exported preprocessing, and compares
             the pooled features with DIR/cntk-features.pt {"features"} computed by MlNetTriplet.

Between the two, the .NET side (PretrainedBackbone.FromFile(ResNet18, DIR/resnet18.pth) → BackboneModule.Load →
forward → mean over H, W) compares its features of DIR/input.pt with DIR/expected.pt, exports
PretrainedBackbone.ResNet18ImageNet() to DIR/resnet18-cntk.pt and writes its pooled features as DIR/cntk-features.pt.
"""
import sys

import torch
import torchvision
from torchvision.models.resnet import BasicBlock, ResNet


def make(directory):
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if "running_mean" in name:
                tensor.uniform_(-0.1, 0.1)
            elif "running_var" in name:
                tensor.uniform_(0.5, 1.5)
    torch.save(model.state_dict(), f"{directory}/resnet18.pth")
    images = torch.rand(4, 3, 224, 224)
    torch.save({"images": images}, f"{directory}/input.pt")
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    model.fc = torch.nn.Identity()
    with torch.no_grad():
        features = model((images - mean) / std)
    torch.save({"features": features}, f"{directory}/expected.pt")
    print(f"wrote {directory}/resnet18.pth, input.pt, expected.pt (features {tuple(features.shape)}, "
          f"up to {features.abs().max().item():.2f})")


def check(directory):
    model = ResNet(BasicBlock, [2, 2, 2, 3])
    model.fc = torch.nn.Identity()  # the export has no classifier head
    model.load_state_dict(torch.load(f"{directory}/resnet18-cntk.pt"), strict=True)
    model.eval()
    pre = torch.load(f"{directory}/resnet18-cntk.preprocessing.pt")
    images = torch.load(f"{directory}/input.pt")["images"]
    x = (images[:, pre["channel_order"]] * pre["input_scale"] - pre["mean"]) / pre["std"]
    with torch.no_grad():
        features = model(x)
    ours = torch.load(f"{directory}/cntk-features.pt")["features"]
    print(f"strict load OK; max |PyTorch - MlNetTriplet| pooled features: {(features - ours).abs().max().item():.2e} "
          f"(features up to {features.abs().max().item():.2f})")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "check"):
        sys.exit(__doc__)
    {"make": make, "check": check}[sys.argv[1]](sys.argv[2])
