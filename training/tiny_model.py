"""Tiny Arabic encoders built in seconds, offline: the stand-ins for real models in tests and in the
default main job until a real base model is built (scripts/build_tiny_model.py).

Two tokenizer kinds cover what users load from the Hub: WordPiece (AraBERT, CAMeLBERT) and
SentencePiece Unigram (XLM-R, multilingual-e5).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Literal

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import BertConfig, BertModel, BertTokenizerFast, XLMRobertaTokenizerFast

TokenizerKind = Literal["wordpiece", "unigram"]

# Short made-up sentences (not news) that give the tokenizer Arabic letters, clitics, digits and
# Latin; callers add their own text to cover their data.
SEED_SENTENCES = [
    "قال المتحدث باسم الوزارة إن الحكومة قد تعلن القرار غداً",
    "وأكد الوزير أن الاجتماع عُقد أمس في المدينة بحضور الوفد",
    "نفى مصدر مسؤول في «وزارة الداخلية» صحة الأنباء المتداولة",
    "وحذرت الأمم المتحدة من أن الوضع ربما يتدهور، وفقاً لتقرير نشرته الوكالة",
    "ويبدو أن المفاوضات لم تتقدم، ولم يتسنَّ التحقق من هذه المعلومات",
    "زعمت صحيفة محلية أن الشركة تلقت 25 مليون دولار عام 2015",
    "Reuters AFP BBC news agency report 1 2 3 ١ ٢ ٣",
]


def train_tokenizer(kind: TokenizerKind, texts: Iterable[str], vocab_size: int = 600):
    """Train a small fast tokenizer of the given kind and wrap it in its transformers class."""
    texts = list(texts) or SEED_SENTENCES
    if kind == "wordpiece":
        tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tok.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        tok.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=special))
        tok.decoder = decoders.WordPiece()
        cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
        tok.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)]
        )
        return BertTokenizerFast(tokenizer_object=tok)
    if kind == "unigram":
        tok = Tokenizer(models.Unigram())
        tok.normalizer = normalizers.NFKC()
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.decoder = decoders.Metaspace()
        special = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
        tok.train_from_iterator(
            texts, trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=special, unk_token="<unk>")
        )
        tok.post_processor = processors.TemplateProcessing(
            single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
        )
        return XLMRobertaTokenizerFast(tokenizer_object=tok)
    raise ValueError(f"unknown tokenizer kind {kind!r} (expected 'wordpiece' or 'unigram')")


def build_tiny_encoder(
    out_dir: str | Path,
    kind: TokenizerKind = "wordpiece",
    texts: Iterable[str] = (),
    hidden_size: int = 64,
    layers: int = 2,
    seed: int = 0,
) -> Path:
    """Write a random 2-layer BERT plus a freshly trained tokenizer as a Hugging Face folder."""
    import torch

    texts = list(texts) + SEED_SENTENCES
    tokenizer = train_tokenizer(kind, texts)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=hidden_size * 2,
        max_position_embeddings=128,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    model = BertModel(config)
    out = Path(out_dir)
    model.save_pretrained(out)
    tokenizer.model_max_length = config.max_position_embeddings
    tokenizer.save_pretrained(out)
    return out
