"""Tagger.predict: API shape, exact offsets on long texts, Hub-id loading offline, clear errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from isnad_tagger import IsnadDataError, Tagger

SENTENCE = "وقال المتحدث باسم الوزارة إن الحكومة قد تعلن القرار غداً."


@pytest.fixture(scope="module")
def tagger(trained_checkpoint):
    return Tagger.from_pretrained(trained_checkpoint)


def test_predict_shapes(tagger):
    single = tagger.predict(SENTENCE)
    assert isinstance(single, list) and all(isinstance(s, dict) for s in single)
    assert tagger.predict([SENTENCE, ""]) == [single, []]
    assert tagger.predict([]) == [] and tagger.predict("") == []
    for span in single:
        assert set(span) == {"start", "end", "text", "label", "type", "score"}
        assert SENTENCE[span["start"] : span["end"]] == span["text"]
        assert 0.0 < span["score"] <= 1.0
    json.dumps(single)  # JSON-ready


def test_trained_tiny_model_recovers_its_training_spans(tagger, made_up_records):
    """The fixture model was fitted on these sentences: most gold spans must come back exactly."""
    predicted = tagger.predict([r.text for r in made_up_records])
    gold = {(i, s.start, s.end, s.label, s.type) for i, r in enumerate(made_up_records) for s in r.spans}
    got = {(i, s["start"], s["end"], s["label"], s["type"]) for i, doc in enumerate(predicted) for s in doc}
    assert len(gold & got) / len(gold) > 0.8


def test_long_text_is_windowed_not_truncated(tagger):
    text = " ".join([SENTENCE] * 200)  # ~12k characters, far over the 48-token window
    spans = tagger.predict(text)
    assert max(s["end"] for s in spans) > len(text) - len(SENTENCE)
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]
    per_copy = {(s["label"], s["start"] % (len(SENTENCE) + 1)) for s in spans}
    assert len(per_copy) < len(spans)  # the same cues recur in every copy


def test_batch_budget_does_not_change_results(trained_checkpoint):
    texts = [SENTENCE * k for k in (1, 3, 7, 2)]
    small = Tagger.from_pretrained(trained_checkpoint, batch_tokens=48).predict(texts)
    large = Tagger.from_pretrained(trained_checkpoint, batch_tokens=100_000).predict(texts)
    strip = lambda docs: [[(s["start"], s["end"], s["label"], s["type"]) for s in d] for d in docs]
    assert strip(small) == strip(large)
    # Padding changes float summation order, so scores agree closely, not bit for bit.
    scores = lambda docs: [s["score"] for d in docs for s in d]
    assert max(abs(a - b) for a, b in zip(scores(small), scores(large))) < 1e-4


@pytest.mark.parametrize("bad, message", [(None, "got NoneType"), (b"abc", "got bytes"), (["ok", 3], "item 1 is int"), (5, "got int")])
def test_bad_input_types(tagger, bad, message):
    with pytest.raises(TypeError, match=message):
        tagger.predict(bad)


def test_missing_folder_and_label_less_config(tmp_path, trained_checkpoint, tiny_encoder):
    with pytest.raises(IsnadDataError, match="not found"):
        Tagger.from_pretrained(str(tmp_path / "nope"))
    with pytest.raises(IsnadDataError, match="no Isnad labels"):
        Tagger.from_pretrained(tiny_encoder)  # a bare encoder: generic labels
    broken = tmp_path / "broken"
    shutil.copytree(trained_checkpoint, broken)
    (broken / "config.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(IsnadDataError, match="config.json"):
        Tagger.from_pretrained(broken)


def test_pickle_weights_are_refused_unless_allowed(tmp_path, trained_checkpoint):
    import torch
    from safetensors.torch import load_file

    folder = tmp_path / "pickled"
    shutil.copytree(trained_checkpoint, folder, ignore=shutil.ignore_patterns("*.safetensors", "checkpoint-*"))
    torch.save(load_file(trained_checkpoint / "model.safetensors"), folder / "pytorch_model.bin")
    assert not list(folder.glob("*.safetensors"))
    with pytest.raises(IsnadDataError, match="pickle"):
        Tagger.from_pretrained(folder)
    assert Tagger.from_pretrained(folder, allow_pickle=True).predict(SENTENCE) == Tagger.from_pretrained(trained_checkpoint).predict(SENTENCE)


def test_hub_id_loads_from_the_cache_offline(tmp_path, trained_checkpoint):
    """What users do with a Hub id, checked offline: a snapshot in the Hub cache layout."""
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--isnad-test--tiny"
    snapshot = repo / "snapshots" / commit
    shutil.copytree(trained_checkpoint, snapshot, ignore=shutil.ignore_patterns("checkpoint-*"))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    code = (
        "import json; from isnad_tagger import Tagger; "
        f"print(json.dumps(Tagger.from_pretrained('isnad-test/tiny').predict({SENTENCE!r}), ensure_ascii=False))"
    )
    env = {**os.environ, "HF_HUB_CACHE": str(tmp_path / "hub"), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == Tagger.from_pretrained(trained_checkpoint).predict(SENTENCE)
