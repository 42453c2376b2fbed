"""A data file shipped inside an installed package, found without importing the package (jieba's and
zhconv's modules load what louwu never uses)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_file(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{package} is not installed: pip install {package}")
    return Path(spec.origin).with_name(name)
