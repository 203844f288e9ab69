"""int8 versions of an exported ONNX graph, both with ONNX Runtime's quantization tools.

- dynamic: weights int8, activation scales computed per call over the whole batch, so a text's spans
  can change with what it is batched with (measured: docs/int8.md).
- static: activation scales calibrated once on real news windows and fixed in the graph (QDQ), so a
  text gives the same spans alone or in any batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

# Per-channel weight scales: on the old default's benchmark paragraphs, dynamic int8 spans agreed with fp32 on
# 91.1 % per channel against 89.1 % per tensor, at the same speed and size.
PER_CHANNEL = True
# Shape inference does not type the outputs of ONNX Runtime's fused operators; they are float (1).
_FLOAT = 1


def quantize_dynamic_int8(fp32: Path, out: Path) -> dict:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(out), per_channel=PER_CHANNEL, weight_type=QuantType.QInt8, extra_options={"DefaultTensorType": _FLOAT})
    return {"method": "onnxruntime quantize_dynamic", "per_channel": PER_CHANNEL, "weight_type": "QInt8"}


def quantize_static_int8(fp32: Path, out: Path, windows: Iterable[list[int]]) -> dict:
    """QDQ int8 (uint8 activations, int8 per-channel weights: the VNNI fast path) with MinMax scales
    over the given token-id windows, one window per calibration batch (no padding enters the ranges)."""
    from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static

    windows = [list(w) for w in windows]
    if not windows:
        raise ValueError("static int8 needs calibration texts (none gave a window)")

    class Windows(CalibrationDataReader):
        def __init__(self) -> None:
            self._feeds: Iterator[dict] = ({"input_ids": np.array([w], dtype=np.int64), "attention_mask": np.ones((1, len(w)), dtype=np.int64)}
                                           for w in windows)

        def get_next(self) -> dict | None:
            return next(self._feeds, None)

    quantize_static(str(fp32), str(out), Windows(), quant_format=QuantFormat.QDQ, per_channel=PER_CHANNEL,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, calibrate_method=CalibrationMethod.MinMax,
                    extra_options={"DefaultTensorType": _FLOAT})
    return {"method": "onnxruntime quantize_static (QDQ, MinMax)", "per_channel": PER_CHANNEL, "weight_type": "QInt8",
            "activation_type": "QUInt8", "calibration_windows": len(windows)}
