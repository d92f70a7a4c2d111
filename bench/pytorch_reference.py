"""The benchmark's networks in PyTorch, for the side-by-side comparison run by `dotnet run --project bench -- compare`.

Same data, network, batch size, optimiser (SGD, with momentum when --momentum > 0), learning rate, epochs and thread
count as the C# run (bench/Network.cs builds the same layers); prints one JSON line with the measurements. Needs Debian's python3-torch and python3-numpy (run with /usr/bin/python3).
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(folder, stem):
    for name in (stem + ".gz", stem):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise FileNotFoundError(f"{stem}(.gz) not found in {folder}")


def load(folder, split):
    images = read_idx(find(folder, f"{split}-images-idx3-ubyte")).astype(np.float32) / 255.0
    labels = read_idx(find(folder, f"{split}-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels)


def network(name):
    if name == "course":
        return nn.Sequential(
            nn.Conv2d(1, 2, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
            nn.Linear(288, 60), nn.ReLU(), nn.Linear(60, 10))
    if name == "lenet5":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    if name == "lenet5-bn":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
            nn.Linear(400, 120), nn.BatchNorm1d(120), nn.ReLU(), nn.Linear(120, 84), nn.BatchNorm1d(84), nn.ReLU(), nn.Linear(84, 10))
    if name == "lenet5-dropout":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(), nn.Dropout(0.5),
            nn.Linear(400, 120), nn.ReLU(), nn.Dropout(0.5), nn.Linear(120, 84), nn.ReLU(), nn.Dropout(0.5), nn.Linear(84, 10))
    raise ValueError(f"unknown network {name!r}: use course, lenet5, lenet5-bn or lenet5-dropout")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--network", default="course")
    p.add_argument("--data", required=True)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.0)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train_x, train_y = load(a.data, "train")
    test_x, test_y = load(a.data, "t10k")

    loss_fn = nn.CrossEntropyLoss()
    n = train_x.shape[0]

    # Warm-up on a throw-away model, as the C# side does: the thread pool starts and every kernel runs once
    # before the timer starts.
    scratch = network(a.network)
    scratch_opt = torch.optim.SGD(scratch.parameters(), lr=a.lr, momentum=a.momentum)
    for i in range(0, min(n, 50 * a.batch), a.batch):
        scratch_opt.zero_grad(set_to_none=False)
        loss_fn(scratch(train_x[i:i + a.batch]), train_y[i:i + a.batch]).backward()
        scratch_opt.step()
    scratch.eval()
    with torch.inference_mode():
        for i in range(0, min(test_x.shape[0], 20 * a.batch), a.batch):
            scratch(test_x[i:i + a.batch])

    torch.manual_seed(a.seed)
    model = network(a.network)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)

    start = time.perf_counter()
    for _ in range(a.epochs):
        order = torch.randperm(n)
        for i in range(0, n, a.batch):
            idx = order[i:i + a.batch]
            opt.zero_grad(set_to_none=False)
            loss = loss_fn(model(train_x[idx]), train_y[idx])
            loss.backward()
            opt.step()
    train_seconds = time.perf_counter() - start

    model.eval()  # batch norm uses its running statistics, dropout is off
    with torch.inference_mode():  # no autograd bookkeeping at all, PyTorch's fastest inference mode
        start = time.perf_counter()
        correct = 0
        for i in range(0, test_x.shape[0], a.batch):
            correct += (model(test_x[i:i + a.batch]).argmax(1) == test_y[i:i + a.batch]).sum().item()
        infer_seconds = time.perf_counter() - start

    print(json.dumps({
        "framework": f"PyTorch {torch.__version__}",
        "threads": torch.get_num_threads(),
        "train_images_per_second": a.epochs * n / train_seconds,
        "train_seconds": train_seconds,
        "inference_images_per_second": test_x.shape[0] / infer_seconds,
        "test_accuracy": correct / test_x.shape[0],
    }))


if __name__ == "__main__":
    main()
