#!/usr/bin/env python3
"""Builds data/fashion-sample/ (the bundled Fashion-MNIST sample) from Debian's dataset-fashion-mnist.

Usage (Python 3, standard library only):
    sudo apt-get install dataset-fashion-mnist      # installs /usr/share/datasets/fashion-mnist/
    python3 data/make-fashion-sample.py [folder]    # default folder: /usr/share/datasets/fashion-mnist

The script checks the SHA-256 of the IDX content of the four Fashion-MNIST files (the values pinned in
lib/Data/FashionMnist.cs), then takes, for each of the ten classes, 800 images from the official training set
and 200 from the official test set, chosen by a seeded shuffle (stratified, so it is the same on every machine).
It shuffles each part so that consecutive images mix the classes and writes four IDX files compressed with gzip
(mtime 0 and no file name in the header, so the same zlib gives the same bytes).
"""

import gzip
import hashlib
import random
import struct
import sys
from pathlib import Path

from sample_files import PIXELS, SIDE, print_checksums, write_part

CONTENT_SHA256 = {  # the IDX content after gunzip; the same values as lib/Data/FashionMnist.cs
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
PER_CLASS = {"train": 800, "t10k": 200}
SEED = 20250107
OUT = Path(__file__).resolve().parent / "fashion-sample"


def fail(message: str) -> None:
    sys.exit(f"make-fashion-sample: {message}")


def read_idx(path: Path) -> bytes:
    if not path.exists():
        fail(f"{path} is missing. Install it with `sudo apt-get install dataset-fashion-mnist`, or pass the folder that holds it.")
    content = gzip.decompress(path.read_bytes())
    digest = hashlib.sha256(content).hexdigest()
    if digest != CONTENT_SHA256[path.name]:
        fail(f"{path}: IDX content SHA-256 {digest}, expected {CONTENT_SHA256[path.name]} (not the original Fashion-MNIST file)")
    return content


def read_part(folder: Path, prefix: str) -> list[tuple[int, bytes]]:
    images = read_idx(folder / f"{prefix}-images-idx3-ubyte.gz")
    labels = read_idx(folder / f"{prefix}-labels-idx1-ubyte.gz")
    count, rows, cols = struct.unpack(">III", images[4:16])
    if images[:4] != bytes([0, 0, 8, 3]) or (rows, cols) != (SIDE, SIDE) or labels[:4] != bytes([0, 0, 8, 1]):
        fail(f"{prefix}: unexpected IDX headers")
    if struct.unpack(">I", labels[4:8])[0] != count:
        fail(f"{prefix}: {count} images but a different number of labels")
    return [(labels[8 + i], images[16 + i * PIXELS:16 + (i + 1) * PIXELS]) for i in range(count)]


def main() -> None:
    if len(sys.argv) > 2:
        fail("usage: python3 data/make-fashion-sample.py [folder with the four Fashion-MNIST .gz files]")
    folder = Path(sys.argv[1] if len(sys.argv) == 2 else "/usr/share/datasets/fashion-mnist")
    rng = random.Random(SEED)
    OUT.mkdir(exist_ok=True)
    for prefix in ("train", "t10k"):
        source = read_part(folder, prefix)
        part = []
        for label in range(10):
            indices = [i for i, (l, _) in enumerate(source) if l == label]
            rng.shuffle(indices)
            part += [source[i] for i in sorted(indices[:PER_CLASS[prefix]])]
        rng.shuffle(part)
        if len({img for _, img in part}) != len(part):
            fail(f"{prefix}: two chosen images are identical")
        write_part(OUT, prefix, part)

    print_checksums(OUT)


if __name__ == "__main__":
    main()
