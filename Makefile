# Set-up, main job and tests. Every target installs what it needs first (idempotent).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ISNAD := $(VENV)/bin/isnad
STAMP := $(VENV)/.installed

.PHONY: setup train tiny test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# The CPU torch wheel first: an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev,train]"
	touch $(STAMP)

setup: $(STAMP)

# Main job on the embedded default: the tiny model trained on the bundled example data, evaluated,
# exported to ONNX and run through the ONNX backend.
tiny: setup
	$(PY) scripts/build_tiny_model.py --out artifacts/tiny-encoder --texts data/examples/train.jsonl
	$(ISNAD) train --config configs/tiny.yaml
	$(ISNAD) export-onnx --model artifacts/tiny-model
	$(ISNAD) predict --model artifacts/tiny-model --backend onnx --input data/examples/predict.jsonl --output artifacts/tiny-predictions.jsonl

train: tiny

test: setup
	$(PY) -m pytest

clean:
	rm -rf artifacts runs
