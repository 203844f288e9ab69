"""Temperature scaling and span-level ECE."""

import numpy as np

from isnad_tagger.spans import Span
from isnad_tagger.training.calibrate import fit_temperatures, span_reliability


def test_span_reliability_counts_exact_matches():
    gold = [[Span(0, 3, "STANCE", "report")]]
    predicted = [[Span(0, 3, "STANCE", "report", 0.95), Span(4, 8, "ACTOR", None, 0.95), Span(9, 12, "ACTOR", None, 0.15)]]
    result = span_reliability(predicted, gold)
    assert result["spans"] == 3
    top = [b for b in result["bins"] if b["low"] >= 0.9][0]
    assert top["count"] == 2 and top["accuracy"] == 0.5 and abs(top["confidence"] - 0.95) < 1e-12
    assert abs(result["ece"] - (2 / 3 * 0.45 + 1 / 3 * 0.15)) < 1e-9


class FakeTagger:
    """Word logits that are overconfident: argmax right half of the time with probability ~1."""

    def __init__(self, texts_words):
        from isnad_tagger.layout import HeadLayout
        from isnad_tagger.words import pretokenize

        from isnad_tagger.contract import Contract

        self.contract = Contract()
        self.layout = HeadLayout.default()
        self.texts_words = texts_words
        self.pretokenize = pretokenize

    def word_logits(self, texts):
        from isnad_tagger.encoding import EncodedText

        encoded, logits = [], []
        for i, text in enumerate(texts):
            tokens = self.pretokenize(text)
            encoded.append(EncodedText(tokens, [[0]] * len(tokens), [0] * len(tokens)))
            row = np.zeros((len(tokens), self.layout.num_labels), dtype=np.float32)
            for block in self.layout.blocks:
                row[:, block.start] = 8.0  # O everywhere...
            row[0, self.layout.blocks[0].start + 1] = 20.0  # ...except a confident ACTOR on word 0
            logits.append(row)
        return encoded, logits


def test_fit_temperatures_softens_an_overconfident_family():
    from isnad_tagger.spans import Record

    texts = [f"كلمة{i} أخرى" for i in range(20)]
    records = [Record(str(i), t, [Span(0, len(t.split()[0]), "ACTOR")] if i % 2 else []) for i, t in enumerate(texts)]
    temperatures = fit_temperatures(FakeTagger(texts), records)
    assert temperatures["ACTOR"] > 4  # right half the time: scores near 1.0 must come down toward 0.5
