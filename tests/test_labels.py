from isnad_tagger.labels import FAMILIES, FAMILY_BY_NAME, check_label, model_labels


def test_families_and_types_follow_the_spec():
    assert [f.name for f in FAMILIES] == ["ACTOR", "SOURCE", "STANCE", "UNCERTAINTY"]
    assert FAMILY_BY_NAME["SOURCE"].types == ("named", "anonymous", "institution", "media", "document", "unspecified")
    assert FAMILY_BY_NAME["STANCE"].types == ("affirm", "report", "deny", "warn", "allege")
    assert FAMILY_BY_NAME["UNCERTAINTY"].types == ("hedge", "evidential", "unverified")
    assert FAMILY_BY_NAME["ACTOR"].types == ()


def test_tag_set_is_derived_per_family():
    assert FAMILY_BY_NAME["ACTOR"].tags() == ["O", "B-ACTOR", "I-ACTOR"]
    assert FAMILY_BY_NAME["UNCERTAINTY"].tags()[:3] == ["O", "B-hedge", "I-hedge"]
    labels = model_labels()
    assert len(labels) == 3 + 13 + 11 + 7
    assert labels[0] == "ACTOR:O" and "SOURCE:I-unspecified" in labels


def test_check_label_reasons():
    assert check_label("ACTOR", None) is None
    assert check_label("SOURCE", "media") is None
    assert "unknown label" in check_label("SPEAKER", None)
    assert "takes no type" in check_label("ACTOR", "named")
    assert "unknown type" in check_label("STANCE", "hedge")
    assert "unknown type" in check_label("SOURCE", None)
