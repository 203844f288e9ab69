import json

from isnad_tagger.training.checkpoints import last_complete_checkpoint


def make_checkpoint(root, step, state="{}", weights=True):
    folder = root / f"checkpoint-{step}"
    folder.mkdir()
    if weights:
        (folder / "model.safetensors").write_bytes(b"x")
    if state is not None:
        (folder / "trainer_state.json").write_text(state)
    return folder


def test_newest_complete_checkpoint_wins_over_half_written_ones(tmp_path):
    make_checkpoint(tmp_path, 4)
    good = make_checkpoint(tmp_path, 8, json.dumps({"global_step": 8}))
    no_state = make_checkpoint(tmp_path, 12, state=None)
    truncated = make_checkpoint(tmp_path, 16, state='{"global_st')
    no_weights = make_checkpoint(tmp_path, 20, weights=False)
    (tmp_path / "checkpoint-notanumber").mkdir()
    chosen, skipped = last_complete_checkpoint(tmp_path)
    assert chosen == good
    assert [folder for folder, _ in skipped] == [no_weights, truncated, no_state]
    assert "truncated" in skipped[1][1] and "trainer_state.json" in skipped[2][1]


def test_numeric_not_lexical_order(tmp_path):
    make_checkpoint(tmp_path, 9)
    newest = make_checkpoint(tmp_path, 10)
    assert last_complete_checkpoint(tmp_path)[0] == newest


def test_no_checkpoint(tmp_path):
    assert last_complete_checkpoint(tmp_path) == (None, [])
    assert last_complete_checkpoint(tmp_path / "missing") == (None, [])
    make_checkpoint(tmp_path, 3, state=None)
    chosen, skipped = last_complete_checkpoint(tmp_path)
    assert chosen is None and len(skipped) == 1
