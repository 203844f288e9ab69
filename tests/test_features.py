"""Windows and labels fed to training; partially annotated sources supervise only their families."""

import numpy as np

from isnad_tagger.contract import Contract
from isnad_tagger.layout import HeadLayout
from isnad_tagger.training.features import IGNORE_INDEX, WindowCollator, featurize


def batch(families):
    text = "قال الوزير خالد سعيد إن الحكومة قد تعلن"
    spans = [{"start": 0, "end": 3, "label": "STANCE", "type": "report"}, {"start": 4, "end": 20, "label": "ACTOR", "type": None}]
    return {"id": ["a"], "text": [text], "spans": [spans], "families": [families]}


def test_full_and_partial_supervision(tiny_tokenizer):
    contract = Contract(max_length=64, stride=16)
    full = featurize(batch(["ACTOR", "SOURCE", "STANCE", "UNCERTAINTY"]), tiny_tokenizer, contract)
    partial = featurize(batch(["ACTOR"]), tiny_tokenizer, contract)
    full_labels, partial_labels = np.array(full["labels"][0]), np.array(partial["labels"][0])
    words = (full_labels[:, 0] != IGNORE_INDEX).sum()
    assert words == 8  # one label piece per word
    assert (full_labels[:, 2] != IGNORE_INDEX).sum() == words and sorted(set(full_labels[:, 2])) == [IGNORE_INDEX, 0, 3]
    assert (partial_labels[:, 1:] == IGNORE_INDEX).all()  # SOURCE, STANCE, UNCERTAINTY unsupervised
    assert (partial_labels[:, 0] == full_labels[:, 0]).all()  # ACTOR labels unchanged


def test_collator_pads_ids_masks_and_label_grids(tiny_tokenizer):
    rows = featurize(batch(None), tiny_tokenizer, Contract(max_length=64, stride=16))
    short = {"input_ids": rows["input_ids"][0][:5], "labels": rows["labels"][0][:5]}
    out = WindowCollator(tiny_tokenizer.pad_token_id)([{"input_ids": rows["input_ids"][0], "labels": rows["labels"][0]}, short])
    n = len(rows["input_ids"][0])
    assert out["input_ids"].shape == (2, n) and out["labels"].shape == (2, n, 4)
    assert out["attention_mask"][1].sum() == 5 and (out["labels"][1, 5:] == IGNORE_INDEX).all()
    assert (out["input_ids"][1, 5:] == tiny_tokenizer.pad_token_id).all()


def test_o_tag_weight_shifts_the_loss_toward_span_tags():
    import torch

    from isnad_tagger.training.modeling import family_loss

    layout = HeadLayout.default()
    logits = torch.zeros(1, 2, layout.num_labels)
    logits[0, 0, 0] = 5.0  # word 0 confidently O for ACTOR (right)
    labels = torch.full((1, 2, 4), IGNORE_INDEX)
    labels[0, 0, 0], labels[0, 1, 0] = 0, 1  # word 1 is B-ACTOR (missed, uniform logits)
    plain = family_loss(logits, labels, layout).item()
    weighted = family_loss(logits, labels, layout, o_tag_weight=0.2).item()
    assert weighted > plain  # the missed span tag weighs more once O is down-weighted


def test_actor_only_file_concatenates_with_typed_files(tmp_path, made_up_records):
    """Regression: an ACTOR-only file (every type null) used to break datasets' concatenation."""
    from isnad_tagger.data import write_records
    from isnad_tagger.spans import Record, Span
    from isnad_tagger.training.train import load_split

    write_records(made_up_records, tmp_path / "gold.jsonl")
    write_records([Record("n/1", "زار الرئيس خالد سعيد المدينة", [Span(4, 20, "ACTOR")])], tmp_path / "ner.jsonl")
    dataset = load_split([str(tmp_path / "gold.jsonl")], {str(tmp_path / "ner.jsonl"): ["ACTOR"]})
    assert len(dataset) == len(made_up_records) + 1
    assert dataset[-1]["families"] == ["ACTOR"] and dataset[0]["families"] == ["ACTOR", "SOURCE", "STANCE", "UNCERTAINTY"]
