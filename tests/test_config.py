"""Configuration mistakes are one clear line naming the key and the file."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, config_from_dict, load_config


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config.database.url == "sqlite+aiosqlite:///louwu.db"
    assert config.server.port == 8080
    assert not config.wechat.safe_mode


def test_example_config_loads(tmp_path):
    from pathlib import Path

    config = load_config(Path(__file__).parents[1] / "config.example.toml", env={})
    assert config.wechat.api_base_url == "https://api.weixin.qq.com"


def test_environment_overrides_a_key(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[wechat]\napp_secret = "in-file"\n[server]\nport = 9000\n')
    config = load_config(path, env={"LOUWU_WECHAT__APP_SECRET": "from-env", "LOUWU_SERVER__PORT": "9100"})
    assert config.wechat.app_secret == "from-env"
    assert config.server.port == 9100


def test_unknown_key_names_key_and_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[server]\nprot = 80\n")
    with pytest.raises(ConfigError, match=r"c.toml: unknown key \[server\] prot"):
        load_config(path, env={})


def test_wrong_type_names_key(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[server]\nport = "eighty"\n')
    with pytest.raises(ConfigError, match=r"\[server\] port must be an integer"):
        load_config(path, env={})


def test_bad_env_value_names_the_variable():
    with pytest.raises(ConfigError, match="LOUWU_SERVER__PORT"):
        load_config(None, env={"LOUWU_SERVER__PORT": "x"})


def test_broken_toml_says_so(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[server\nport=1")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, env={})


def test_missing_file_says_how_to_start(tmp_path):
    with pytest.raises(ConfigError, match="config.example.toml"):
        load_config(tmp_path / "nope.toml", env={})


def test_unknown_section():
    with pytest.raises(ConfigError, match=r"unknown section \[wechaat\]"):
        config_from_dict({"wechaat": {}})
