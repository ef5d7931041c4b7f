#!/usr/bin/python3
"""Retrieval metrics of embeddings written by the .NET bench (MlNetTriplet.Bench triplet-one), computed by the
PyTorch peer's own retrieval_metrics() so that both sides of the triplet benchmark are scored by one definition.

usage: triplet_metrics.py PEER_SCRIPT EMBEDDINGS_DIR [--p 2]
EMBEDDINGS_DIR holds test.f32 / train.f32 (float32 rows, little-endian), test.labels / train.labels (int64) and
dims.txt (the embedding size). Prints one JSON line: precision_at_1, r_precision, mean_average_precision_at_r,
knn1_accuracy, knn10_accuracy.
"""
import argparse, importlib.util, json, os

import numpy as np
import torch

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("peer_script"); ap.add_argument("embeddings_dir"); ap.add_argument("--p", type=float, default=2.0)
ap.add_argument("--threads", type=int, default=2)
args = ap.parse_args()
torch.set_num_threads(args.threads)
spec = importlib.util.spec_from_file_location("peer", args.peer_script)
peer = importlib.util.module_from_spec(spec); spec.loader.exec_module(peer)
d = int(open(os.path.join(args.embeddings_dir, "dims.txt")).read())
load = lambda name, dtype: torch.from_numpy(np.fromfile(os.path.join(args.embeddings_dir, name), dtype))
e_test, e_train = load("test.f32", "<f4").reshape(-1, d), load("train.f32", "<f4").reshape(-1, d)
y_test, y_train = load("test.labels", "<i8"), load("train.labels", "<i8")
print(json.dumps(peer.retrieval_metrics(e_test, y_test, e_train, y_train, p=args.p)))
