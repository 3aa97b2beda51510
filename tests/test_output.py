import pytest

from builder.output import staging_dir


def test_a_complete_build_replaces_the_folder(tmp_path):
    target = tmp_path / "dist"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with staging_dir(target) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]  # no staging or old copies left behind


def test_a_failed_build_leaves_the_previous_folder_untouched(tmp_path):
    target = tmp_path / "dist"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(RuntimeError):
        with staging_dir(target) as staging:
            (staging / "half.txt").write_text("half")
            raise RuntimeError("esbuild failed")
    assert [p.name for p in target.iterdir()] == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]
