"""`pipeline("attribution-tagging", model=M)` (registered by importing the package) gives the spans of Tagger.predict."""

from pathlib import Path

import isnad_tagger  # noqa: F401  (registers the pipeline)
from isnad_tagger import Tagger
from isnad_tagger.data import read_records

GOLD_TEST = Path(__file__).resolve().parent.parent / "data" / "gold" / "test.jsonl"


def same_spans(a: list[list[dict]], b: list[list[dict]]) -> bool:
    """Identical spans; scores within float noise (one text alone vs in a padded batch sums in another order)."""
    key = lambda docs: [[(s["start"], s["end"], s["label"], s["type"]) for s in doc] for doc in docs]
    scores = lambda docs: [s["score"] for doc in docs for s in doc]
    return key(a) == key(b) and max((abs(x - y) for x, y in zip(scores(a), scores(b))), default=0.0) < 1e-4


def test_pipeline_equals_tagger_on_the_gold_test_split(trained_checkpoint):
    from transformers import pipeline

    texts = [r.text for r in read_records(GOLD_TEST)]
    tag = pipeline("attribution-tagging", model=str(trained_checkpoint), device="cpu")
    expected = Tagger.from_pretrained(trained_checkpoint, device="cpu").predict(texts)
    assert tag(texts) == expected
    assert same_spans([tag(text) for text in texts[:20]], expected[:20])
    assert same_spans([tag.run_single(texts[0], {}, {}, {})], expected[:1])  # the Pipeline preprocess/_forward/postprocess path
    assert any(expected)  # the tiny model does tag some spans


def test_importing_the_package_stays_light():
    import subprocess
    import sys

    code = "import sys, isnad_tagger; print('torch' in sys.modules, 'transformers.pipelines' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout.split()
    assert out == ["False", "False"]


def test_onnx_prediction_needs_no_torch(trained_checkpoint, tmp_path):
    """The light install (no torch, datasets, accelerate): ONNX int8 prediction and the CLI predict path run
    with those packages made unimportable."""
    import json
    import shutil
    import subprocess
    import sys

    from isnad_tagger.onnx_export import export_onnx

    model = tmp_path / "model"
    shutil.copytree(trained_checkpoint, model)
    export_onnx(model)
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "1", "text": "وقال المتحدث إن الحكومة قد تعلن القرار"}, ensure_ascii=False) + "\n")
    blocked = "import sys; [sys.modules.__setitem__(m, None) for m in ('torch', 'datasets', 'accelerate', 'seqeval', 'onnx')]; "
    code = blocked + (f"from isnad_tagger.cli import main; sys.exit(main(['predict', '--model', {str(model)!r}, '--backend', 'onnx', "
                      f"'--quantized', '--input', {str(source)!r}, '--output', {str(tmp_path / 'out.jsonl')!r}, '--no-progress']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    expected = Tagger.from_pretrained(model, backend="onnx", quantized=True).predict(out["text"])
    assert out["spans"] == expected
