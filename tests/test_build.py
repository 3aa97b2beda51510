"""End to end: the real build-site command on a tiny corpus with a tiny model."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from builder import modelcache
from builder.build import BuildOptions, build

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "builder.cli", *args], cwd=REPO, capture_output=True, text=True, env=env
    )


def test_built_site_has_every_stage_output(built_site):
    for name in [
        "index.html",
        "site.json",
        "assets/app.js",
        "assets/style.css",
        "model/model.json",
        "model/generation.json",
        "songs/index.json",
        "songs/first-light.json",
    ]:
        assert (built_site / name).is_file(), name
    assert list((built_site / "assets" / "tfjs-wasm").glob("*.wasm"))
    generation = json.loads((built_site / "model" / "generation.json").read_text())
    assert generation["encoding"] == "leadsheet" and generation["vocab"][:2] == ["<s>", "</s>"]
    assert generation["defaults"]["length"] == 24  # from the tiny site.toml
    model = json.loads((built_site / "model" / "model.json").read_text())
    embedding = model["modelTopology"]["model_config"]["config"]["layers"][1]["config"]
    assert embedding["input_dim"] == len(generation["vocab"])
    html = (built_site / "index.html").read_text()
    assert "Tiny Lofi" in html and 'src="assets/app.js"' in html
    assert "First Light" in html
    assert 'href="report.html"' in html
    # Every URL the page loads is relative (an SVG namespace is not a request).
    assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == []


def test_model_is_reused_until_corpus_or_config_changes(tiny_content, tmp_path):
    out = tmp_path / "dist"
    first = build(BuildOptions(content=tiny_content, out=out, quiet=True))
    assert first.trained
    again = build(BuildOptions(content=tiny_content, out=out, quiet=True))
    assert not again.trained
    forced = build(BuildOptions(content=tiny_content, out=out, quiet=True, retrain=True))
    assert forced.trained

    site_toml = tiny_content / "site.toml"
    site_toml.write_text(site_toml.read_text().replace("epochs = 2", "epochs = 1"))
    assert build(BuildOptions(content=tiny_content, out=out, quiet=True)).trained

    midi = tiny_content / "midi" / "one.mid"
    (tiny_content / "midi" / "copy.mid").write_bytes(midi.read_bytes())
    changed = build(BuildOptions(content=tiny_content, out=out, quiet=True))
    assert changed.trained and changed.stats["files"] == 4
    meta = modelcache.read_meta(tiny_content / "model")
    assert meta["corpus"]["files"] == 4


def test_a_bad_midi_file_fails_the_build_and_leaves_dist_untouched(tiny_content, tmp_path):
    out = tmp_path / "dist"
    ok = run_cli("--content", str(tiny_content), "--out", str(out), "--quiet")
    assert ok.returncode == 0, ok.stderr
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    (tiny_content / "midi" / "broken.mid").write_bytes(b"this is not a MIDI file")
    failed = run_cli("--content", str(tiny_content), "--out", str(out), "--quiet")
    assert failed.returncode == 1
    assert "broken.mid" in failed.stderr and "not a MIDI file" in failed.stderr
    assert "Traceback" not in failed.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "dist"]  # no staging left over


def test_all_content_problems_are_reported_in_one_run(tiny_content, tmp_path):
    (tiny_content / "midi" / "empty.mid").write_bytes(b"")
    song = tiny_content / "songs" / "first-light.toml"
    song.write_text(song.read_text().replace("Cmaj9 | A7b9", "Cmaj9 | Zz9"))
    failed = run_cli("--content", str(tiny_content), "--out", str(tmp_path / "dist"), "--quiet")
    assert failed.returncode == 1
    lines = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
    assert any("empty.mid" in line and "empty file" in line for line in lines)
    assert any("first-light.toml" in line and '"Zz9"' in line and "bar 4, beat 1" in line for line in lines)
    assert not (tmp_path / "dist").exists()


def test_a_config_with_an_unknown_key_fails(tiny_content, tmp_path):
    (tiny_content / "site.toml").write_text("[model]\nlayers = 3\n")
    failed = run_cli("--content", str(tiny_content), "--out", str(tmp_path / "dist"))
    assert failed.returncode == 1
    assert "site.toml" in failed.stderr and "unknown key 'layers'" in failed.stderr


def test_cli_options_are_documented_in_the_readme():
    readme = (REPO / "README.md").read_text()
    for option in ["--content", "--out", "--retrain", "--config"]:
        assert option in readme


def test_the_build_reports_what_the_model_learned(built_site):
    report = json.loads((built_site / "model" / "report.json").read_text())
    evaluation = report["evaluation"]
    assert evaluation["heldout_files"] == 1
    assert [row["order"] for row in evaluation["ngrams"]] == [1, 2, 3, 4, 5]
    for row in [evaluation["lstm"], *evaluation["ngrams"]]:
        assert row["perplexity"] > 1 and 0 <= row["top1_accuracy"] <= 1
        assert abs(row["perplexity"] - 2.718281828 ** row["cross_entropy"]) / row["perplexity"] < 0.01
    memorised = {row["name"]: row for row in evaluation["leadsheet"]["measures"]}["memorised_8grams"]
    assert 0 <= memorised["model"] <= 1
    assert evaluation["float16_top1_agreement"] > 0.9
    assert report["corpus"] == {
        "files": 3,
        "lofi_files": 0,
        "tokens": report["corpus"]["tokens"],
        "vocabulary": report["corpus"]["vocabulary"],
    }
    assert (built_site / "model" / "loss.png").read_bytes()[:4] == b"\x89PNG"
    page = (built_site / "report.html").read_text()
    assert "How the model learned" in page and "5-gram" in page and 'src="model/loss.png"' in page


def test_float16_export_halves_the_weights(built_site):
    spec = json.loads((built_site / "model" / "model.json").read_text())
    dtypes = {
        w["quantization"]["dtype"] for group in spec["weightsManifest"] for w in group["weights"] if "quantization" in w
    }
    assert dtypes == {"float16"}


def test_two_builds_of_the_same_content_are_byte_identical(built_site, tmp_path):
    """Reproducible builds: the same content and model give the same dist/, byte for byte."""
    from .browser import file_bytes

    content = built_site.parent / "content"
    build(BuildOptions(content=content, out=tmp_path / "again", quiet=True))
    first, second = file_bytes(built_site), file_bytes(tmp_path / "again")
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_report_has_listening_pieces_composed_at_training(built_site):
    """Three pieces the trained model wrote (two over test progressions, one on its own chords), each
    with its piano roll copied from the model cache into the site, and its tokens in the report for
    the page's player to play (web_src/js/report.js); no audio file of them."""
    meta = json.loads((built_site.parent / "content" / "model" / "meta.json").read_text())
    report = (built_site / "report.html").read_text()
    sw = (built_site / "sw.js").read_text()
    assert [bool(entry["follows"]) for entry in meta["listening"]] == [True, True, False]
    for number, entry in enumerate(meta["listening"], start=1):
        image = built_site / "model" / f"listening-{number}.png"
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"model/listening-{number}.png" in report
        assert f'data-seed="{entry["seed"]}" data-bars="{entry["bars"]}"' in report and entry["bars"] == 16
        assert len(entry["tokens"]) > 16 * 2 and entry["melody"] and entry["chords"]
        assert f"listening-{number}" not in sw  # the player never needs the pictures offline
    assert not list((built_site / "model").glob("*.ogg")) and "<audio" not in report
    assert '<script type="module" src="assets/report.js"></script>' in report
    assert (built_site / "assets" / "report.js").is_file() and "assets/report.js" in sw
    assert "Follows" in report and "own chords" in report
