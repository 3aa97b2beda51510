"""builder/output.py: the staging swap, the marker, which folders may be replaced, the leftovers of killed builds."""

import os

import pytest

from builder.output import (
    MARKER,
    MARKER_TEXT,
    OutputRefused,
    check_output,
    mark,
    replace,
    staging_dir,
    why_not_replaceable,
)
from builder.site import PROJECT_ROOT

NO_PROCESS = 2**22 + 1  # above Linux's largest pid: no process has it


def previous_build(target):
    target.mkdir()
    mark(target)
    (target / "old.txt").write_text("old")
    return target


def unmarked_build(target):
    """The top of a dist/ written before builds marked their output."""
    for name in ["index.html", "sw.js", "site.json", "model/generation.json", "assets/app.js", "songs/index.json"]:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text("{}")
    return target


def test_a_complete_build_replaces_the_folder(tmp_path):
    target = previous_build(tmp_path / "dist")
    with staging_dir(target) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "new.txt"]
    assert (target / MARKER).read_text() == MARKER_TEXT
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]  # no staging or old copies left behind
    assert target.stat().st_mode & 0o777 == 0o755


def test_a_failed_build_leaves_the_previous_folder_untouched(tmp_path):
    target = previous_build(tmp_path / "dist")
    with pytest.raises(RuntimeError):
        with staging_dir(target) as staging:
            (staging / "half.txt").write_text("half")
            raise RuntimeError("esbuild failed")
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_a_folder_that_turned_foreign_during_the_build_is_not_replaced(tmp_path):
    target = previous_build(tmp_path / "dist")
    with pytest.raises(OutputRefused, match="did not write"):
        with staging_dir(target) as staging:
            (staging / "new.txt").write_text("new")
            (target / MARKER).unlink()  # someone else's folder now
    assert sorted(p.name for p in target.iterdir()) == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_a_failed_rename_puts_the_previous_folder_back(tmp_path):
    target = previous_build(tmp_path / "dist")
    with pytest.raises(FileNotFoundError):
        replace(tmp_path / "no-such-staging", target)
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def check(path, **where):
    folders = {
        "content": where.get("content", PROJECT_ROOT / "content"),
        "web_src": PROJECT_ROOT / "web_src",
        "project": PROJECT_ROOT,
    }
    return check_output(path, **folders)


@pytest.mark.parametrize(
    "prepare",
    [
        lambda d: None,  # absent: created
        lambda d: d.mkdir(),  # empty
        lambda d: previous_build(d),  # marked by an earlier build
        lambda d: unmarked_build(d),  # built before the marker existed
    ],
)
def test_folders_a_build_may_replace(tmp_path, prepare):
    prepare(tmp_path / "dist")
    assert check(tmp_path / "dist") == (tmp_path / "dist").resolve()


@pytest.mark.parametrize(
    "prepare, why",
    [
        (lambda d: (d / "notes.txt").write_text("mine"), "did not write"),
        (lambda d: (d / MARKER).write_text("not our marker\n"), "did not write"),
        (lambda d: (d / "model").mkdir(), "did not write"),  # a folder that only shares a name with ours
        (lambda d: (unmarked_build(d) / "notes.txt").write_text("mine"), "did not write"),  # ours, plus someone's file
        (lambda d: (unmarked_build(d) / ".git").mkdir(), "did not write"),
    ],
)
def test_folders_a_build_must_not_replace(tmp_path, prepare, why):
    target = tmp_path / "dist"
    target.mkdir()
    prepare(target)
    before = sorted(p.relative_to(target) for p in target.rglob("*"))
    with pytest.raises(OutputRefused, match=why):
        check(target)
    with pytest.raises(OutputRefused, match=why):
        with staging_dir(target):
            pass
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_a_symlink_is_refused_and_its_target_kept(tmp_path):
    real = previous_build(tmp_path / "real")
    (tmp_path / "dist").symlink_to(real)
    assert "symbolic link" in why_not_replaceable(tmp_path / "dist")
    with pytest.raises(OutputRefused, match=r"dist: is a symbolic link \(to .*real\)"):
        check(tmp_path / "dist")
    with pytest.raises(OutputRefused, match="symbolic link"):
        with staging_dir(tmp_path / "dist"):
            pass
    assert sorted(p.name for p in real.iterdir()) == [MARKER, "old.txt"]


def test_leftovers_of_killed_builds_are_removed_by_the_next_build_and_nothing_else(tmp_path):
    target = previous_build(tmp_path / "dist")
    ours = [f".dist.new-{NO_PROCESS}-abc123", f".dist.old-{NO_PROCESS}-x_y9"]
    for name in ours:
        previous_build(tmp_path / name)
    (tmp_path / f".dist.new-{NO_PROCESS}-empty1").mkdir()  # killed before it was marked
    kept = {  # name: (why it stays, marked)
        f".dist.new-{NO_PROCESS}-unmarked": ("our kind of name, but not our marker", False),
        f".dist.new-{os.getpid()}-running": ("a build still running", True),
        f".site.new-{NO_PROCESS}-other": ("beside another target", True),
        ".dist.new-abc": ("named as builds before the marker were", False),
    }
    for name, (why, marked) in kept.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "keep.txt").write_text(why)
        if marked:
            mark(tmp_path / name)
    (tmp_path / f".dist.old-{NO_PROCESS}-file").write_text("a file, not a folder")

    with pytest.raises(RuntimeError):  # a failed build removes nothing
        with staging_dir(target):
            raise RuntimeError("failed")
    assert all((tmp_path / name).is_dir() for name in ours)

    with staging_dir(target) as staging:
        (staging / "new.txt").write_text("new")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["dist", *kept, f".dist.old-{NO_PROCESS}-file"])
    for name in kept:
        assert (tmp_path / name / "keep.txt").read_text() == kept[name][0]
