"""Register the `attribution-tagging` pipeline as soon as transformers' pipelines are imported.

`import isnad_tagger` must stay light (the ONNX-only install has no torch, and `transformers.pipelines`
takes seconds to import because it loads torch), so instead of importing it here, a meta-path hook
registers the pipeline right after transformers imports its pipelines module, whenever that happens."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys

TARGET = "transformers.pipelines"


def _register() -> None:
    if importlib.util.find_spec("torch") is None:  # pipelines run PyTorch models: nothing to register
        return
    from isnad_tagger.pipeline import register

    register()


class _LoaderWrapper(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        self.loader.exec_module(module)
        _register()


class _PipelinesFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != TARGET:
            return None
        sys.meta_path.remove(self)  # once: find the real spec without coming back here
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _LoaderWrapper(spec.loader)
        return spec


def install() -> None:
    if TARGET in sys.modules:
        _register()
    elif not any(isinstance(finder, _PipelinesFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PipelinesFinder())
