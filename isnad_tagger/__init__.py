"""Isnad: who speaks, how it is sourced, what stance the source takes, and where Arabic news hedges."""

from isnad_tagger.labels import FAMILIES, LABELS
from isnad_tagger.spans import IsnadDataError, Record, Span

__version__ = "0.1.0"
__all__ = ["FAMILIES", "LABELS", "IsnadDataError", "Record", "Span", "Tagger", "__version__"]


def __getattr__(name: str):
    # Tagger pulls in torch and transformers: import it only when asked for.
    if name == "Tagger":
        from isnad_tagger.tagger import Tagger

        return Tagger
    raise AttributeError(name)
