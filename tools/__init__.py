"""Project tooling (one-off builders and their checks). Not part of the installed `isnad-tagger` wheel: run it
from a checkout (`python scripts/...`, `python -m tools....`); the library never imports it."""
