"""What both bundled samples share (imported by make-mnist-sample.py and make-fashion-sample.py): the IDX layout,
the reproducible gzip, and the four files of a sample with their counts and checksums.

Standard library only. The gzip header has mtime 0 and no file name, so the same zlib gives the same bytes.
"""

import gzip
import hashlib
import io
import struct
from pathlib import Path

SIDE = 28
PIXELS = SIDE * SIDE


def idx(type_code: int, dims: list[int], payload: bytes) -> bytes:
    """An IDX file: two zero bytes, the element type, the number of dimensions, the sizes (big-endian), the data."""
    return bytes([0, 0, type_code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims) + payload


def write_gzip(path: Path, data: bytes) -> None:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    path.write_bytes(buffer.getvalue())


def write_part(out: Path, prefix: str, part: list[tuple[int, bytes]]) -> None:
    """Writes <prefix>-images-idx3-ubyte.gz and <prefix>-labels-idx1-ubyte.gz for (label, 784 bytes) pairs, and the class counts."""
    write_gzip(out / f"{prefix}-images-idx3-ubyte.gz", idx(0x08, [len(part), SIDE, SIDE], b"".join(img for _, img in part)))
    write_gzip(out / f"{prefix}-labels-idx1-ubyte.gz", idx(0x08, [len(part)], bytes(label for label, _ in part)))
    counts = [sum(1 for label, _ in part if label == d) for d in range(10)]
    print(f"{prefix}: {len(part)} images, per class {counts}")


def print_checksums(out: Path) -> None:
    """The SHA-256 of every .gz file in out and of its IDX content, as lib/Data pins them."""
    for path in sorted(out.glob("*.gz")):
        packed = path.read_bytes()
        print(f"{path.name}  gz sha256 {hashlib.sha256(packed).hexdigest()}"
              f"  idx sha256 {hashlib.sha256(gzip.decompress(packed)).hexdigest()}")
