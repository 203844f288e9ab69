"""The model card is written by training itself, through huggingface_hub's ModelCard, and follows the Hub format."""

import re
from pathlib import Path

from huggingface_hub import ModelCard

from isnad_tagger.training.model_card import render_model_card


def test_training_writes_a_card_the_hub_parses(trained_checkpoint):
    card = ModelCard.load(trained_checkpoint / "README.md")
    data = card.data
    assert data.language == ["ar"] or data.language == "ar"
    assert data.library_name == "transformers" and data.pipeline_tag is None and data.to_dict()["inference"] is False
    # the tiny encoder is a local folder: no base_model rather than a path of this machine
    assert data.base_model is None
    names = {r.metric_name for r in data.eval_results}
    assert names >= {"ACTOR overlap F1", "UNCERTAINTY strict F1", "micro strict F1", "micro overlap F1"}
    assert all(0.0 <= r.metric_value <= 1.0 and r.dataset_split == "test" for r in data.eval_results)
    assert "pipeline(\"attribution-tagging\"" in card.text


def test_card_sections_and_tables(trained_checkpoint, tmp_path):
    card = render_model_card(trained_checkpoint, tmp_path, "isnad-tiny", model_id="my-org/isnad-tiny")
    assert re.search(r"^\| \*\*micro \(all spans\)\*\* \| 27 \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \|$", card, re.M)
    for section in ("## Intended uses and users", "## Results on the gold test split", "## Limitations and risks",
                    "## Training data and licenses", "## How to use"):
        assert section in card
    assert "unmask anonymous sources" in card
    assert 'Tagger.from_pretrained("my-org/isnad-tiny")' in card
    assert str(Path.cwd().anchor + "tmp") not in card.split("## Training procedure")[0]  # no machine path before the lineage


def test_hub_base_model_is_named_and_licenses_are_counted(trained_checkpoint, tmp_path):
    import json
    import shutil

    model = tmp_path / "model"
    shutil.copytree(trained_checkpoint, model)
    info = json.loads((model / "isnad_training.json").read_text())
    info["config"]["model_name_or_path"] = "aubmindlab/bert-base-arabertv02"
    train_file = tmp_path / "train.jsonl"
    train_file.write_text(json.dumps({"id": "a", "text": "قال", "spans": [], "meta": {"corpus": "antcorpus", "license": "Apache-2.0"}}) + "\n")
    info["config"]["train_files"] = [str(train_file)]
    (model / "isnad_training.json").write_text(json.dumps(info))
    card = ModelCard(render_model_card(model, tmp_path, "isnad-tiny"))
    assert card.data.base_model == "aubmindlab/bert-base-arabertv02"
    assert "antcorpus: Apache-2.0 (1)" in card.text
