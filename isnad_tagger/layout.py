"""How one token-classification head holds four overlapping span families.

The head's labels are "FAMILY:TAG" (see labels.model_labels), grouped in one contiguous block per
family. Each block is a separate BIO classification: softmax and cross-entropy run inside a block,
so a word can be B-SOURCE and B-ACTOR at once. The layout is derived from config.id2label alone,
which keeps checkpoints loadable with plain AutoModelForTokenClassification. Which families to
expect (Isnad's, or another schema such as the ANERcorp NER yardstick) comes from the checkpoint
contract (isnad_tagger.contract); decoding logits into spans is isnad_tagger.decoding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from isnad_tagger.labels import FAMILY_BY_NAME, LABEL_SEPARATOR, Family, by_name, model_labels
from isnad_tagger.spans import IsnadDataError


@dataclass(frozen=True)
class Block:
    family: Family
    start: int  # first logit index of the family's block
    tags: tuple[str, ...]  # BIO tags in block order, "O" first

    @property
    def stop(self) -> int:
        return self.start + len(self.tags)


@dataclass(frozen=True)
class HeadLayout:
    blocks: tuple[Block, ...]

    @property
    def num_labels(self) -> int:
        return self.blocks[-1].stop

    @property
    def families(self) -> tuple[Family, ...]:
        return tuple(block.family for block in self.blocks)

    @classmethod
    def default(cls) -> "HeadLayout":
        return cls.from_labels(model_labels())

    @classmethod
    def from_families(cls, families: tuple[Family, ...]) -> "HeadLayout":
        return cls.from_labels(model_labels(families), by_name(families))

    @classmethod
    def from_labels(cls, labels: list[str], families: Mapping[str, Family] | None = None) -> "HeadLayout":
        """Parse ordered head labels; raise a clear error when they are not an Isnad head."""
        families = FAMILY_BY_NAME if families is None else families
        blocks: list[Block] = []
        current: list[str] = []
        current_family: str | None = None
        start = 0
        for index, label in enumerate(labels + [None]):  # type: ignore[operator]
            family_name = label.split(LABEL_SEPARATOR, 1)[0] if label else None
            if family_name != current_family and current_family is not None:
                blocks.append(_make_block(families[current_family], start, current))
                current, start = [], index
            if label is None:
                break
            if LABEL_SEPARATOR not in label or family_name not in families:
                raise IsnadDataError(
                    f"label {label!r} is not an Isnad head label 'FAMILY:TAG' with FAMILY in "
                    f"{', '.join(families)}; is this an Isnad checkpoint?"
                )
            current_family = family_name
            current.append(label.split(LABEL_SEPARATOR, 1)[1])
        if not blocks:
            raise IsnadDataError("the model config has no labels (id2label is empty)")
        names = [block.family.name for block in blocks]
        if len(set(names)) != len(names):
            raise IsnadDataError(f"family blocks are not contiguous in id2label: {names}")
        return cls(tuple(blocks))

    @classmethod
    def from_config(cls, config, families: Mapping[str, Family] | None = None) -> "HeadLayout":
        """The layout of a transformers config's id2label, for the given schema (Isnad's by default)."""
        id2label = getattr(config, "id2label", None) or {}
        labels = [id2label[i] for i in sorted(int(k) for k in id2label)] if id2label else []
        if not labels or all(label.startswith("LABEL_") for label in labels):
            raise IsnadDataError(
                "config.json carries no Isnad labels (id2label is missing or generic LABEL_0...); "
                "train with `isnad-tagger train` or pass a checkpoint made by it"
            )
        return cls.from_labels(labels, families)

    def labels(self) -> list[str]:
        return [f"{b.family.name}{LABEL_SEPARATOR}{tag}" for b in self.blocks for tag in b.tags]


def _make_block(family: Family, start: int, tags: list[str]) -> Block:
    expected = family.tags()
    if tags != expected:
        raise IsnadDataError(
            f"{family.name} block has tags {tags}, expected {expected}; "
            "the checkpoint was made for another label schema"
        )
    return Block(family, start, tuple(tags))
