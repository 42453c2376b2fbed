"""The rule pack shipped with louwu, loaded into a new database by `louwu db upgrade`."""

from __future__ import annotations

from importlib import resources

from nlp.pack import RulePack, parse_pack

DEFAULT_PACK_NAME = "default"


def default_pack_text() -> str:
    return resources.files("nlp").joinpath("data/default_pack.toml").read_text("utf-8")


def default_pack() -> RulePack:
    return parse_pack(default_pack_text(), "default_pack.toml")
