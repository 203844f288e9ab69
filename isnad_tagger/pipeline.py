"""The `attribution-tagging` transformers pipeline: `pipeline("attribution-tagging", model=M)` returns
the same spans as Tagger.predict. The stock token-classification pipeline cannot: it takes one argmax
over all families' labels at once, while each family is its own BIO layer and families overlap."""

from __future__ import annotations

from typing import Any

from transformers import AutoModelForTokenClassification, Pipeline

from isnad_tagger.backends import TorchBackend
from isnad_tagger.contract import Contract
from isnad_tagger.tagger import Tagger, check_texts

TASK = "attribution-tagging"


class AttributionTaggingPipeline(Pipeline):
    """A thin pipeline over Tagger, so windows, batching and the four-layer decoding are the package's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contract = Contract.from_config(self.model.config)
        source = getattr(self.model.config, "_name_or_path", "")
        self.tagger = Tagger(TorchBackend(self.model, device=str(self.device)), self.tokenizer, contract, source=source)

    def __call__(self, inputs: str | list[str], **kwargs: Any) -> list[dict] | list[list[dict]]:
        """A string gives its span dicts, a list gives one list per text (batched by the tagger's token budget)."""
        if kwargs:
            raise TypeError(f"{TASK} pipeline takes no call options, got {sorted(kwargs)}")
        check_texts(inputs)
        return self.tagger.predict(inputs)

    def _sanitize_parameters(self, **kwargs: Any) -> tuple[dict, dict, dict]:
        return {}, {}, {}

    def preprocess(self, text: str) -> dict:
        check_texts(text)
        return {"text": text}

    def _forward(self, model_inputs: dict) -> dict:
        return {"text": model_inputs["text"], "spans": self.tagger.predict_spans([model_inputs["text"]])[0]}

    def postprocess(self, model_outputs: dict) -> list[dict]:
        return [span.to_dict(model_outputs["text"]) for span in model_outputs["spans"]]


def register() -> None:
    from transformers.pipelines import PIPELINE_REGISTRY

    if TASK not in PIPELINE_REGISTRY.get_supported_tasks():
        PIPELINE_REGISTRY.register_pipeline(TASK, pipeline_class=AttributionTaggingPipeline,
                                            pt_model=AutoModelForTokenClassification, type="text")
