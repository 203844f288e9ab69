"""The Isnad label schema (spec v1): the one place that defines families, types and tag sets.

Everything else (validation, BIO layers, the model head layout, metrics) derives from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class Family:
    """A span family: an independent layer of spans. `types` is empty for untyped families."""

    name: str
    types: tuple[str, ...]

    @property
    def typed(self) -> bool:
        return bool(self.types)

    def tags(self) -> list[str]:
        """BIO tags of this family's layer, `O` first (index 0 within the family block)."""
        kinds = list(self.types) if self.typed else [self.name]
        return ["O"] + [f"{prefix}-{kind}" for kind in kinds for prefix in ("B", "I")]

    def tag_kind(self, type_: str | None) -> str:
        """The part after `B-`/`I-` for a span of this family with the given type."""
        return type_ if self.typed else self.name

    def type_of_kind(self, kind: str) -> str | None:
        return kind if self.typed else None


FAMILIES: tuple[Family, ...] = (
    Family("ACTOR", ()),
    Family("SOURCE", ("named", "anonymous", "institution", "media", "document", "unspecified")),
    Family("STANCE", ("affirm", "report", "deny", "warn", "allege")),
    Family("UNCERTAINTY", ("hedge", "evidential", "unverified")),
)
def by_name(families: tuple[Family, ...]) -> dict[str, Family]:
    """A schema as the name -> family lookup that validation and layouts take."""
    return {family.name: family for family in families}


FAMILY_BY_NAME: dict[str, Family] = by_name(FAMILIES)
LABELS: tuple[str, ...] = tuple(FAMILY_BY_NAME)

# Model-head label names are "FAMILY:TAG" (e.g. "SOURCE:B-named"), one block per family, so a
# checkpoint's config.json id2label alone says how to split logits into families.
LABEL_SEPARATOR = ":"


def model_labels(families: tuple[Family, ...] = FAMILIES) -> list[str]:
    """All head labels in order: each family's block of tags, prefixed with the family name."""
    return [f"{family.name}{LABEL_SEPARATOR}{tag}" for family in families for tag in family.tags()]


def schema_from_mapping(mapping: Mapping[str, list[str] | None]) -> tuple[Family, ...]:
    """Families of another label schema (e.g. {"NER": ["PERS", "ORG", "LOC", "MISC"]}), so the same
    pipeline can train a public benchmark; an empty or None type list makes an untyped family."""
    if not isinstance(mapping, Mapping) or not mapping:
        raise ValueError(f"a label schema maps family names to type lists, got {mapping!r}")
    families = []
    for name, types in mapping.items():
        types = list(types or [])
        if not isinstance(name, str) or not name or LABEL_SEPARATOR in name or "-" in name:
            raise ValueError(f"family name {name!r} must be a non-empty string without ':' or '-'")
        if any(not isinstance(t, str) or not t for t in types) or len(set(types)) != len(types):
            raise ValueError(f"family {name}: types must be distinct non-empty strings, got {types!r}")
        families.append(Family(name, tuple(types)))
    return tuple(families)


def schema_to_mapping(families: tuple[Family, ...]) -> dict[str, list[str]]:
    return {family.name: list(family.types) for family in families}


def check_label(label: object, type_: object, families: Mapping[str, Family] = FAMILY_BY_NAME) -> str | None:
    """Return None when (label, type) is valid under the schema, else a human-readable reason."""
    if label not in families:
        return f"unknown label {label!r} (expected one of {', '.join(families)})"
    family = families[label]  # type: ignore[index]
    if not family.typed:
        if type_ is not None:
            return f"label {label} takes no type, got {type_!r}"
        return None
    if type_ not in family.types:
        return f"unknown type {type_!r} for {label} (expected one of {', '.join(family.types)})"
    return None
