"""builder/media.py: the player's drum patterns, ambiences, quotes and samples, checked and copied."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from builder.build import BuildOptions, build
from builder.errors import ContentError
from builder.media import gather_media, write_media
from builder.output import MARKER, mark

from .conftest import REPO, make_tiny_content


@pytest.fixture
def media_content(tmp_path) -> Path:
    content = tmp_path / "content"
    for folder in ["drums", "samples", "ambience", "quotes"]:
        shutil.copytree(REPO / "content" / folder, content / folder)
    return content


def problems_of(content: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        gather_media(content, REPO)
    return [str(p) for p in caught.value.problems]


def test_the_default_content_makes_a_manifest_and_copies_every_file(media_content, tmp_path):
    media = gather_media(media_content, REPO)
    out = tmp_path / "dist"
    out.mkdir()
    write_media(out, media)
    manifest = json.loads((out / "media.json").read_text())
    assert manifest["loops"] == {"drums": "8m", "ambience": "12m", "solo": "30m", "quoteAt": "4:0:0"}
    assert len(manifest["drums"]) >= 3 and len(manifest["ambience"]) >= 3 and len(manifest["quotes"]) >= 3
    assert {"rain", "fireplace", "wind"} <= {a["id"] for a in manifest["ambience"]}
    boom = next(d for d in manifest["drums"] if d["id"] == "boom-bap")
    assert boom["bars"] == 2 and boom["stepsPerBar"] == 16
    kick = next(lane for lane in boom["lanes"] if lane["name"] == "kick")
    assert kick["hits"][0] == [0, 1.0] and kick["url"] == "media/drums/bd_jazz.ogg"
    assert all(q["url"] and q["seconds"] > 1 and q["licence"] for q in manifest["quotes"])
    assert set(manifest["instruments"]) >= {"piano", "epiano"}
    assert manifest["instruments"]["piano"]["urls"]["C4"] == "media/instruments/piano/C4.ogg"
    assert manifest["instruments"]["epiano"]["urls"]["D#4"] == "media/instruments/epiano/Ds4.ogg"
    assert manifest["vinyl"]["url"] == "media/vinyl.ogg"
    urls = [lane["url"] for d in manifest["drums"] for lane in d["lanes"]]
    urls += [a["url"] for a in manifest["ambience"]] + [q["url"] for q in manifest["quotes"]]
    urls += [u for i in manifest["instruments"].values() for u in i["urls"].values()]
    for url in urls:
        assert (out / url).is_file(), url
    # Unused one-shots are checked but not copied, to keep the site small.
    copied = {p.name for p in (out / "media" / "drums").iterdir()}
    assert copied == {Path(u).name for u in urls if u.startswith("media/drums/")}


def test_an_unknown_key_names_the_file_and_the_key(media_content):
    pattern = media_content / "drums" / "boom-bap.toml"
    pattern.write_text(pattern.read_text().replace("swing = 57", "swing = 57\ntempo = 90"))
    quote = media_content / "quotes" / "walden.toml"
    quote.write_text(quote.read_text() + 'speaker = "me"\n')
    (media_content / "ambience" / "rain.toml").write_text('title = "Rain"\nbackground = "snow"\n')
    problems = problems_of(media_content)
    assert any("boom-bap.toml" in p and "unknown key 'tempo'" in p for p in problems)
    assert any("walden.toml" in p and "unknown key 'speaker'" in p for p in problems)
    assert any("rain.toml" in p and "unknown background 'snow'" in p for p in problems)
    assert len(problems) == 3  # all reported in one run


def test_bad_steps_and_unknown_samples_name_the_lane_and_bar(media_content):
    (media_content / "drums" / "bad.toml").write_text(
        'name = "Bad"\n'
        '[lanes.kick]\nsample = "no_such_kick"\nsteps = "X..............."\n'
        '[lanes.hat]\nsample = "hat_tap"\nsteps = "x.x.x.x.x.x.x.x | x.x.x.x.x.x.x.z."\n'
    )
    problems = problems_of(media_content)
    assert any("bad.toml (lane 'kick')" in p and "no sample 'no_such_kick'" in p for p in problems)
    assert any("lane 'hat', bar 1" in p and "16 steps" in p for p in problems)
    assert any("lane 'hat', bar 2, step 15" in p and "unknown step 'z'" in p for p in problems)
    assert any("same number of bars" in p for p in problems)


def test_a_broken_sample_fails_the_build_naming_it_and_leaves_dist_untouched(tmp_path):
    content = make_tiny_content(tmp_path)
    for folder in ["drums", "samples"]:
        shutil.copytree(REPO / "content" / folder, content / folder)
    broken = content / "samples" / "drums" / "sn_dub.ogg"
    broken.write_bytes(b"OggS" + b"\0" * 200)  # an OGG header and nothing behind it
    (content / "quotes").mkdir()
    (content / "quotes" / "lonely.ogg").write_bytes((REPO / "content" / "quotes" / "tea.ogg").read_bytes())
    out = tmp_path / "dist"
    out.mkdir()
    mark(out)  # a site an earlier build wrote: the only kind of folder a build may replace
    (out / "index.html").write_text("the previous site")
    with pytest.raises(ContentError) as caught:
        build(BuildOptions(content=content, out=out, quiet=True))
    message = str(caught.value)
    assert str(broken) in message and "not a readable audio file" in message
    assert "lonely.ogg" in message and "lonely.toml" in message
    assert (out / "index.html").read_text() == "the previous site"
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "index.html"])


def test_a_quote_without_audio_is_caption_only(media_content):
    (media_content / "quotes" / "walden.ogg").unlink()
    media = gather_media(media_content, REPO)
    walden = next(q for q in media.quotes if q["id"] == "walden")
    assert walden["url"] is None and walden["seconds"] >= 3


@pytest.mark.parametrize("gain", ["nan", "inf", "-inf", "-7", "2.5"])
def test_an_ambience_or_quote_gain_outside_0_to_2_is_named(media_content, gain):
    """TOML's nan and inf were written into media.json as NaN/Infinity, which the page cannot parse."""
    rain = media_content / "ambience" / "rain.toml"
    rain.write_text(rain.read_text() + f"gain = {gain}\n")
    tea = media_content / "quotes" / "tea.toml"
    tea.write_text(tea.read_text() + f"gain = {gain}\n")
    lane = media_content / "drums" / "boom-bap.toml"
    lane.write_text(lane.read_text().replace("[lanes.kick]\n", f"[lanes.kick]\ngain = {gain}\n"))
    problems = problems_of(media_content)
    assert len(problems) == 3
    for name in ("rain.toml:", "tea.toml:", "boom-bap.toml (lane 'kick'):"):
        assert any(name in p and "gain must be between 0 and 2" in p for p in problems), problems


def test_only_regular_media_files_are_opened(media_content):
    """A named pipe called *.toml or *.ogg would block the build forever; a folder or a broken link
    was a traceback or was passed over without a word."""
    import os

    specials = {
        media_content / "drums" / "pipe.toml": "a named pipe",
        media_content / "ambience" / "pipe.toml": "a named pipe",
        media_content / "quotes" / "pipe.toml": "a named pipe",
        media_content / "quotes" / "tea.ogg": "a named pipe",  # beside a good tea.toml
        media_content / "samples" / "vinyl.ogg": "a named pipe",
        media_content / "quotes" / "folder.toml": "a folder",
        media_content / "ambience" / "rain.toml": "a broken symbolic link",
    }
    for path, kind in specials.items():
        path.unlink(missing_ok=True)
        if kind == "a named pipe":
            os.mkfifo(path)
        elif kind == "a folder":
            path.mkdir()
        else:
            path.symlink_to(path.with_name("gone.toml"))
    with pytest.raises(ContentError) as caught:
        gather_media(media_content, REPO)
    found = {Path(p.path): p.message for p in caught.value.problems}
    assert set(found) == set(specials), found
    for path, kind in specials.items():
        assert found[path].startswith(kind), found[path]


def test_the_manifest_writer_refuses_nan(tmp_path):
    """A last guard behind the checks: JSON has no NaN, and the page's JSON.parse rejects it."""
    from builder.media import Media

    media = Media(quotes=[{"id": "q", "gain": float("nan")}])
    with pytest.raises(ValueError, match="not JSON compliant"):
        write_media(tmp_path, media)


def test_without_piano_samples_in_content_the_packages_piano_is_copied(media_content, tmp_path):
    """A fork that deletes content/samples/piano/ still has a piano: the npm package's notes."""
    shutil.rmtree(media_content / "samples" / "piano")
    media = gather_media(media_content, REPO)
    urls = media.manifest()["instruments"]["piano"]["urls"]
    assert urls["C4"] == "media/instruments/piano/C4.mp3" and urls["A1"] and urls["C7"]
    assert len(urls) == 22  # A1 to C7, one every minor third
    out = tmp_path / "dist"
    out.mkdir()
    write_media(out, media)
    assert (out / "media" / "instruments" / "piano" / "C4.mp3").stat().st_size > 50_000


def test_the_pianos_notes_are_short_and_light():
    """content/samples/piano/ (tools/make_piano_samples.py): every note of the range, none longer
    than 7 s, all of them together well under the package's 4 MB."""
    import soundfile

    files = sorted((REPO / "content" / "samples" / "piano").glob("*.ogg"))
    assert len(files) == 22
    for path in files:
        info = soundfile.info(path)
        assert info.channels == 1 and info.duration <= 7.01, path.name
    assert sum(path.stat().st_size for path in files) < 1_200_000
