"""A serving process loads what it uses: what only safe mode, pictures, QR codes, training or
migrations need comes in when they are used, so every process behind nginx does not pay for it."""

from __future__ import annotations

import subprocess
import sys

LOADED_LATER = (
    "wechatpy",
    "cryptography",
    "requests",
    "PIL",
    "segno",
    "jieba",
    "numpy",
    "sklearn",
    "alembic",
)

PROBE = """
import sys
from bot.app import create_app
from bot.cli import serve
from bot.config import config_from_dict
create_app(config_from_dict({"wechat": {"token": "t"}}))
print(" ".join(m for m in sys.argv[1:] if m in sys.modules))
"""


def loaded(*names: str, code: str = PROBE) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True, check=True)  # noqa: S603
    return out.stdout.split()


def test_a_plaintext_server_loads_no_crypto_pictures_training_or_migrations() -> None:
    assert loaded(*LOADED_LATER) == []


def test_safe_mode_loads_wechatpys_crypto_when_the_app_is_made() -> None:
    key = "a" * 43
    code = PROBE.replace('{"token": "t"}', f'{{"token": "t", "encoding_aes_key": "{key}", "app_id": "wx1"}}')
    assert loaded("wechatpy", code=code) == ["wechatpy"]
