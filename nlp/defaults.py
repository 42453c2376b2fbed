"""The rule pack and the model shipped with louwu, loaded into a new database by `louwu db upgrade`."""

from __future__ import annotations

import functools
from importlib import resources

from nlp.model import TextModel, loads
from nlp.pack import RulePack, parse_pack

DEFAULT_PACK_NAME = "default"


def default_pack_text() -> str:
    return resources.files("nlp").joinpath("data/default_pack.toml").read_text("utf-8")


def default_pack() -> RulePack:
    return parse_pack(default_pack_text(), "default_pack.toml")


def default_model_body() -> bytes:
    """Trained on nlp/data/examples.csv by `louwu rules train --out nlp/data/default_model.json.gz`."""
    return resources.files("nlp").joinpath("data/default_model.json.gz").read_bytes()


@functools.cache
def default_model() -> TextModel:
    return loads(default_model_body())
