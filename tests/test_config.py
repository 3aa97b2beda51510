import pytest

from builder.config import DEFAULTS, load_config
from builder.errors import ContentError


def test_defaults_when_no_file(tmp_path):
    assert load_config(tmp_path / "missing.toml") == DEFAULTS


def test_overrides_key_by_key(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text('[site]\ntitle = "Mine"\n[model]\nlstm_units = [32]\nlearning_rate = 1\n')
    config = load_config(path)
    assert config["site"]["title"] == "Mine"
    assert config["site"]["description"] == DEFAULTS["site"]["description"]
    assert config["model"]["lstm_units"] == [32]
    assert config["model"]["learning_rate"] == 1


def test_unknown_keys_sections_and_wrong_types_are_all_reported(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text('[site]\ntitel = "typo"\n[modle]\nx = 1\n[model]\nepochs = "many"\n')
    with pytest.raises(ContentError) as caught:
        load_config(path)
    text = str(caught.value)
    assert "unknown key 'titel' in [site]" in text
    assert "unknown section [modle]" in text
    assert "epochs = 'many': expected int" in text
    assert all(str(path) in line for line in text.splitlines())
