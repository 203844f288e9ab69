"""The model card is rendered from a real training run's files and follows the Hub format."""

import re

from isnad_tagger.training.model_card import render_model_card


def test_card_from_a_training_run(trained_checkpoint, tmp_path):
    card = render_model_card(trained_checkpoint, tmp_path, "isnad-tiny")
    header = re.match(r"^---\n(.*?)\n---\n", card, re.S)
    assert header, "card must start with a YAML header"
    import yaml

    meta = yaml.safe_load(header.group(1))
    assert meta["language"] == ["ar"] and meta["pipeline_tag"] == "token-classification"
    metrics = meta["model-index"][0]["results"][0]["metrics"]
    assert {m["name"] for m in metrics} >= {"ACTOR overlap F1", "micro strict F1"}
    assert all(0.0 <= m["value"] <= 1.0 for m in metrics)
    assert re.search(r"^\| \*\*micro \(all spans\)\*\* \| 27 \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \|$", card, re.M)
    for section in ("## Intended uses and users", "## Results on the gold test split", "## Limitations and risks",
                    "## Training data and licenses", "## How to use"):
        assert section in card
    assert "unmask anonymous sources" in card
