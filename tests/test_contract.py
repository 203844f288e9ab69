"""The checkpoint contract: written once by training, read back by every consumer, versioned."""

from __future__ import annotations

import json
import shutil

import pytest

from isnad_tagger.contract import CONTRACT_VERSION, V1_STRIDE, Contract, load_schema
from isnad_tagger.labels import FAMILIES, schema_from_mapping
from isnad_tagger.spans import IsnadDataError


class Config:
    """A stand-in for a transformers config: attributes only."""

    max_position_embeddings = 512


def test_round_trip_through_a_config():
    contract = Contract(max_length=96, stride=24, normalizer="strip-diacritics", temperatures={"ACTOR": 2.0})
    config = Config()
    contract.to_config(config)
    assert config.isnad == {"schema_version": CONTRACT_VERSION, "max_length": 96, "stride": 24,
                            "normalizer": "strip-diacritics", "temperatures": {"ACTOR": 2.0}}
    assert len(config.id2label) == 34 and config.id2label[0] == "ACTOR:O"
    assert Contract.from_config(config) == contract


def test_other_schema_records_its_families():
    contract = Contract(families=schema_from_mapping({"NER": ["PERS", "LOC"]}), max_length=64, stride=16)
    config = Config()
    contract.to_config(config)
    assert config.isnad["families"] == {"NER": ["PERS", "LOC"]} and config.id2label[1] == "NER:B-PERS"
    assert Contract.from_config(config).families == contract.families


def test_calibration_makes_a_new_contract_and_leaves_the_old_one():
    contract = Contract()
    calibrated = contract.with_temperatures({"SOURCE": 1.5})
    assert dict(contract.temperatures) == {} and dict(calibrated.temperatures) == {"SOURCE": 1.5}
    source = {"STANCE": 1.2}
    pinned = Contract(temperatures=source)
    source["STANCE"] = 9.0
    assert pinned.temperatures["STANCE"] == 1.2  # the caller's dict is copied, not shared


def test_a_newer_schema_version_is_refused_clearly():
    config = Config()
    Contract().to_config(config)
    config.isnad["schema_version"] = CONTRACT_VERSION + 1
    with pytest.raises(IsnadDataError, match=f"schema version {CONTRACT_VERSION + 1}, newer than this isnad-tagger supports"):
        Contract.from_config(config)


def test_a_version_1_checkpoint_keeps_the_stride_it_was_used_with():
    config = Config()
    Contract().to_config(config)
    config.isnad = {"schema_version": "1", "max_length": 256, "normalizer": None}
    assert Contract.from_config(config).stride == V1_STRIDE


@pytest.mark.parametrize("settings, message", [
    ({"schema_version": "two"}, "schema_version must be a whole number"),
    ({"schema_version": 2, "max_length": 64, "stride": 64}, "stride must be in"),
    ({"schema_version": 2, "temperatures": {"NOPE": 1.0}}, "temperatures for unknown families"),
])
def test_bad_settings_are_named(settings, message):
    config = Config()
    Contract().to_config(config)
    config.isnad = settings
    with pytest.raises(IsnadDataError, match=message):
        Contract.from_config(config)


def test_trained_checkpoint_records_and_uses_its_stride(trained_checkpoint):
    """Regression: training used stride 12 (TINY_TRAINING) while Tagger windowed with 64 (capped at
    max_length // 2 = 24), because config.json did not record the stride."""
    from isnad_tagger import Tagger

    saved = json.loads((trained_checkpoint / "config.json").read_text())["isnad"]
    assert saved["stride"] == 12 and saved["max_length"] == 48 and saved["schema_version"] == CONTRACT_VERSION
    tagger = Tagger.from_pretrained(trained_checkpoint)
    assert (tagger.stride, tagger.max_length) == (12, 48)


def test_loading_a_newer_checkpoint_fails_before_weights(trained_checkpoint, tmp_path):
    from isnad_tagger import Tagger

    newer = tmp_path / "newer"
    shutil.copytree(trained_checkpoint, newer)
    config = json.loads((newer / "config.json").read_text())
    config["isnad"]["schema_version"] = CONTRACT_VERSION + 1
    (newer / "config.json").write_text(json.dumps(config))
    with pytest.raises(IsnadDataError, match="upgrade the isnad-tagger package"):
        Tagger.from_pretrained(newer)


def test_schema_option_reads_folders_configs_and_mapping_files(trained_checkpoint, tmp_path):
    assert load_schema(trained_checkpoint) == FAMILIES
    (tmp_path / "train.yaml").write_text("label_schema: {NER: [PERS, ORG]}\n", encoding="utf-8")
    (tmp_path / "schema.json").write_text('{"NER": ["PERS"]}', encoding="utf-8")
    assert load_schema(tmp_path / "train.yaml") == schema_from_mapping({"NER": ["PERS", "ORG"]})
    assert load_schema(tmp_path / "schema.json") == schema_from_mapping({"NER": ["PERS"]})
    with pytest.raises(IsnadDataError, match="not found"):
        load_schema(tmp_path / "missing.yaml")
