import pytest

from builder.config import DEFAULTS, LIMITS, load_config
from builder.corpus import ENCODINGS
from builder.errors import ContentError


def test_defaults_when_no_file(tmp_path):
    assert load_config(tmp_path / "missing.toml") == DEFAULTS


def test_overrides_key_by_key(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text('[site]\ntitle = "Mine"\n[model]\nlstm_units = [32]\ndropout = 0\n')
    config = load_config(path)
    assert config["site"]["title"] == "Mine"
    assert config["site"]["description"] == DEFAULTS["site"]["description"]
    assert config["model"]["lstm_units"] == [32]
    assert config["model"]["dropout"] == 0  # a whole number where a float is expected


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


def load_problems(tmp_path, text: str) -> list:
    path = tmp_path / "site.toml"
    path.write_text(text)
    with pytest.raises(ContentError) as caught:
        load_config(path)
    assert all(problem.path == path for problem in caught.value.problems)
    return [problem.message for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        # Each of these hung the build, ran out of memory, ended in a traceback, or shipped a broken site.
        ("[generation]\nlength = 100000000", "[generation] length = 100000000: must be from 1 to 4096"),
        ("[generation]\nlength = 0", "[generation] length = 0: must be from 1 to 4096"),
        ("[generation]\ntemperature = nan", "[generation] temperature = nan: must be from 0 to 3"),
        ("[generation]\ntemperature = inf", "[generation] temperature = inf: must be from 0 to 3"),
        ("[generation]\ntop_p = -inf", "[generation] top_p = -inf: must be from 0.01 to 1"),
        ("[generation]\nseed = -1", "[generation] seed = -1: must be from 0 to 4294967295"),
        ("[model]\nlstm_units = [100000]", "[model] lstm_units = [100000]: each entry must be from 1 to 2048"),
        ("[model]\nlstm_units = [0]", "[model] lstm_units = [0]: each entry must be from 1 to 2048"),
        ("[model]\nlstm_units = []", "[model] lstm_units = []: must have 1 to 8 entries"),
        ("[model]\nvalidation_share = 0.0", "[model] validation_share = 0.0: must be from 0.01 to 0.5"),
        ("[model]\nlearning_rate = -1", "[model] learning_rate = -1: must be from 1e-06 to 0.1"),
        ("[model]\nlearning_rate = nan", "[model] learning_rate = nan: must be from 1e-06 to 0.1"),
        ("[model]\nsequence_length = 0", "[model] sequence_length = 0: must be from 2 to 1024"),
        ("[model]\ndropout = 1.0", "[model] dropout = 1.0: must be from 0 to 0.9"),
        ("[model]\ntranspositions = [1, 300]", "[model] transpositions = [1, 300]: each entry must be from -11 to 11"),
        ('[model]\nencoding = "midi"', f"[model] encoding must be one of: {', '.join(ENCODINGS)}"),
    ],
)
def test_a_setting_out_of_range_is_named_before_anything_runs(tmp_path, setting, message):
    assert load_problems(tmp_path, setting + "\n") == [message]


def test_a_network_too_big_to_train_or_download_is_refused(tmp_path):
    [message] = load_problems(tmp_path, "[model]\nlstm_units = [2048, 2048]\n")
    assert message.startswith(
        "[model] lstm_units = [2048, 2048] with embedding = 64 and dense_units = 256: "
        "51.4 million weights; at most 20 million"
    )


def test_every_default_and_the_articles_network_are_in_range(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text("[model]\nlstm_units = [512, 512, 512]\n")
    assert load_config(path)["model"]["lstm_units"] == [512, 512, 512]
    for (section, key), (low, high) in LIMITS.items():
        values = DEFAULTS[section][key] if isinstance(DEFAULTS[section][key], list) else [DEFAULTS[section][key]]
        assert all(low <= v <= high for v in values), key


def test_a_site_toml_that_is_not_a_regular_file_is_named(tmp_path):
    """A folder or a broken link was a traceback, and a named pipe would have blocked the build."""
    import os

    folder, pipe, link = tmp_path / "folder.toml", tmp_path / "pipe.toml", tmp_path / "link.toml"
    folder.mkdir()
    os.mkfifo(pipe)
    link.symlink_to(tmp_path / "gone.toml")
    for path, message in [
        (folder, "a folder, not a regular file"),
        (pipe, "a named pipe, not a regular file"),
        (link, "a broken symbolic link"),
    ]:
        with pytest.raises(ContentError) as caught:
            load_config(path)
        [problem] = caught.value.problems
        assert problem.path == path and problem.message.startswith(message)
