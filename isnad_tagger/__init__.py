"""Isnad: who speaks, how it is sourced, what stance the source takes, and where Arabic news hedges."""

from isnad_tagger.labels import FAMILIES, LABELS
from isnad_tagger.pipeline_registration import install as _install_pipeline
from isnad_tagger.spans import IsnadDataError, Record, Span

__version__ = "0.2.0"
__all__ = ["FAMILIES", "LABELS", "IsnadDataError", "Record", "Span", "Tagger", "__version__"]

# `pipeline("attribution-tagging", model=M)` works once this package is imported (registered when
# transformers loads its pipelines, so importing this package stays light).
_install_pipeline()


def __getattr__(name: str):
    # Tagger pulls in transformers (and torch for its PyTorch backend): import it only when asked for.
    if name == "Tagger":
        from isnad_tagger.tagger import Tagger

        return Tagger
    raise AttributeError(name)
