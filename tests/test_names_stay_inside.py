"""Names from data are not paths: links and names found in content/ or the model cache must stay in
their own folder, or the build refuses them in one line; nothing from outside reaches dist/ or the
service worker's precache."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from builder import modelcache
from builder.build import BuildOptions, build
from builder.errors import BuildError, ContentError
from builder.media import gather_media
from builder.site import PROJECT_ROOT
from builder.songs import encode_songs

REPO = PROJECT_ROOT
SHARD = "group1-shard1of1.bin"
SECRET = "a private file outside content/\n"


@pytest.fixture
def cached(built_site, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(built_site.parent / "content", content)
    (tmp_path / "secret.txt").write_text(SECRET)
    return content, tmp_path / "dist"


def precache(out):
    text = (out / "sw.js").read_text()
    return json.loads(re.search(r"const PRECACHE = (\[.*?\]);", text, re.S).group(1))


def published(out):
    return [p for p in out.rglob("*") if p.is_file() and p.read_bytes() == SECRET.encode()]


def test_a_link_beside_the_web_model_is_not_published(cached):
    content, out = cached
    (content / "model" / "tfjs" / "leak.txt").symlink_to(content.parent / "secret.txt")
    build(BuildOptions(content=content, out=out, quiet=True, no_train=True))
    assert not (out / "model" / "leak.txt").exists()
    assert "model/leak.txt" not in precache(out)
    assert published(out) == []


def test_a_weight_shard_linked_from_outside_is_refused(cached):
    content, out = cached
    shard = content / "model" / "tfjs" / SHARD
    outside = content.parent / SHARD
    shutil.move(shard, outside)
    shard.symlink_to(outside)  # the same bytes, so the digest alone would not see it
    with pytest.raises(BuildError) as error:
        build(BuildOptions(content=content, out=out, quiet=True, no_train=True))
    assert [str(p) for p in error.value.problems if "leads outside" in str(p) and SHARD in str(p)]
    assert not out.exists()


def rewrite(path, change):
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_a_listening_piece_named_out_of_the_model_folder_is_refused(cached):
    content, out = cached
    rewrite(content / "model" / "meta.json", lambda m: m["listening"][0].update(image="../site.toml"))
    with pytest.raises(BuildError) as error:
        build(BuildOptions(content=content, out=out, quiet=True, no_train=True))
    (line,) = error.value.problems
    assert "'../site.toml' is not a plain file name" in str(line)
    assert not out.exists()


def test_a_weights_path_out_of_tfjs_is_refused(cached):
    content, out = cached
    model_dir = content / "model"
    rewrite(model_dir / "meta.json", lambda m: m.pop("digests"))  # a cache from before digests: the path is read
    rewrite(model_dir / "tfjs" / "model.json", lambda s: s["weightsManifest"][0].update(paths=["../../secret.txt"]))
    inputs = json.loads((model_dir / "meta.json").read_text())["inputs"]
    assert "a weights path is not a plain file name ('../../secret.txt')" in modelcache.why_stale(model_dir, inputs)
    with pytest.raises(BuildError):
        build(BuildOptions(content=content, out=out, quiet=True, no_train=True))
    assert not out.exists()


def test_a_media_file_linked_from_outside_its_folder_is_refused(tmp_path):
    content = tmp_path / "content"
    (content / "ambience").mkdir(parents=True)
    outside = tmp_path / "elsewhere" / "rain.ogg"
    outside.parent.mkdir()
    shutil.copyfile(REPO / "content" / "ambience" / "rain.ogg", outside)
    (content / "ambience" / "rain.ogg").symlink_to(outside)
    with pytest.raises(ContentError) as error:
        gather_media(content, REPO)
    assert [str(p) for p in error.value.problems] == [
        f"{content / 'ambience' / 'rain.ogg'}: a symbolic link leading outside {content / 'ambience'} "
        f"(to {outside}); only files in that folder are read"
    ]
    # A link within its own folder is still a file of that folder.
    (content / "ambience" / "rain.ogg").unlink()
    shutil.move(outside, content / "ambience" / "storm.ogg")
    (content / "ambience" / "rain.ogg").symlink_to("storm.ogg")
    assert sorted(a["id"] for a in gather_media(content, REPO).ambience) == ["rain", "storm"]


def test_an_instrument_folder_linked_from_outside_is_refused(tmp_path):
    content = tmp_path / "content"
    (content / "samples").mkdir(parents=True)
    shutil.copytree(REPO / "content" / "samples" / "epiano", tmp_path / "elsewhere")
    (content / "samples" / "epiano").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ContentError) as error:
        gather_media(content, REPO)
    assert [p.path for p in error.value.problems] == [content / "samples" / "epiano"]


def test_a_song_linked_from_outside_is_refused(tmp_path):
    songs = tmp_path / "content" / "songs"
    songs.mkdir(parents=True)
    shutil.copyfile(REPO / "content" / "songs" / "first-light.toml", tmp_path / "first-light.toml")
    (songs / "first-light.toml").symlink_to(tmp_path / "first-light.toml")
    with pytest.raises(ContentError, match="a symbolic link leading outside"):
        encode_songs(songs)


def test_a_media_name_with_url_characters_is_encoded_in_its_url(tmp_path):
    """'#' and '?' end a URL's path: unencoded, the page would ask for another file (a 404)."""
    from builder.media import write_media

    content = tmp_path / "content"
    (content / "ambience").mkdir(parents=True)
    shutil.copyfile(REPO / "content" / "ambience" / "rain.ogg", content / "ambience" / "rain #2?.ogg")
    media = gather_media(content, REPO)
    (entry,) = media.ambience
    assert entry["url"] == "media/ambience/rain%20%232%3F.ogg"
    write_media(tmp_path / "dist", media)
    assert (tmp_path / "dist" / "media" / "ambience" / "rain #2?.ogg").is_file()


@pytest.mark.parametrize(
    "change, said",
    [
        (lambda m, s: m["listening"][0].update(image="sub/listening-1.png"), "'sub/listening-1.png' is not a plain"),
        (lambda m, s: s["weightsManifest"][0].update(paths=["sub/" + SHARD]), "is not a plain file name"),
    ],
)
def test_names_in_the_cache_are_plain_file_names(cached, change, said):
    """The site keeps the web model's files side by side: a name with a folder would be a 404 there."""
    content, _ = cached
    model_dir = content / "model"
    meta = json.loads((model_dir / "meta.json").read_text())
    spec = json.loads((model_dir / "tfjs" / "model.json").read_text())
    meta.pop("digests")
    change(meta, spec)
    (model_dir / "meta.json").write_text(json.dumps(meta))
    (model_dir / "tfjs" / "model.json").write_text(json.dumps(spec))
    assert said in modelcache.why_stale(model_dir, meta["inputs"])


def test_a_digest_naming_a_file_outside_is_refused_before_it_is_read(cached):
    content, _ = cached
    model_dir = content / "model"
    meta = json.loads((model_dir / "meta.json").read_text())
    meta["digests"]["files"]["../site.toml"] = "0" * 64
    (model_dir / "meta.json").write_text(json.dumps(meta))
    assert "'../site.toml' points outside" in modelcache.why_stale(model_dir, meta["inputs"])
