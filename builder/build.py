"""The whole pipeline, read top to bottom: gather and check everything, train if needed, then write.

Content problems from every stage are collected before anything is written, so one run reports all of
them; the site is assembled in a staging folder that replaces the output folder only when complete.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import modelcache
from .config import load_config
from .corpus import Corpus, load_corpus
from .errors import BuildError, ContentError
from .export import convert_to_tfjs, write_web_model
from .output import staging_dir
from .site import PROJECT_ROOT, bundle_assets, render_page, write_data
from .songs import encode_songs


@dataclass
class BuildOptions:
    content: Path = Path("content")
    out: Path = Path("dist")
    config: Path | None = None  # default: CONTENT/site.toml
    retrain: bool = False
    web_src: Path = PROJECT_ROOT / "web_src"
    quiet: bool = False


@dataclass
class BuildResult:
    trained: bool
    seconds: float
    stats: dict


def build(options: BuildOptions) -> BuildResult:
    started = time.monotonic()
    log = (lambda *a: None) if options.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    content = options.content
    config = load_config(options.config or content / "site.toml")

    problems = []
    try:
        songs = encode_songs(content / "songs")
    except ContentError as error:
        problems.extend(error.problems)
        songs = []

    model_dir = content / "model"
    fingerprint = modelcache.fingerprint(content / "midi", config["model"])
    stale = "--retrain was given" if options.retrain else modelcache.why_stale(model_dir, fingerprint)
    corpus = None
    if stale:
        log(f"Model: (re)training, because {stale}.")
        try:
            corpus = load_corpus(content / "midi", config["model"]["encoding"], progress=not options.quiet)
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise ContentError(problems)

    if corpus is not None:
        _train_and_cache(corpus, config["model"], model_dir, fingerprint, verbose=0 if options.quiet else 1)
    else:
        log(f"Model: reusing {model_dir} (corpus and config unchanged).")
    meta = modelcache.read_meta(model_dir)
    stats = meta["corpus"]
    log(f"Corpus: {stats['files']} files, {stats['tokens']} tokens, vocabulary {stats['vocabulary']}.")

    with staging_dir(options.out) as staging:
        write_web_model(model_dir / modelcache.TFJS_DIR, staging / "model", meta, config["generation"])
        write_data(staging, config["site"], songs)
        render_page(options.web_src, staging, config["site"], songs)
        bundle_assets(options.web_src, staging)

    seconds = time.monotonic() - started
    log(f"Built {options.out} in {seconds:.1f} seconds ({len(songs)} songs).")
    return BuildResult(trained=corpus is not None, seconds=seconds, stats=stats)


def _train_and_cache(corpus: Corpus, model_config: dict, model_dir: Path, fingerprint: str, verbose: int) -> None:
    from .train import train_model

    vocabulary = corpus.vocabulary
    checkpoints = model_dir / "checkpoints"
    try:
        model, summary = train_model(corpus, vocabulary, model_config, checkpoints / "best.h5", verbose=verbose)
    except ValueError as error:
        raise BuildError(f"{model_dir}: cannot train: {error}") from None
    with tempfile.TemporaryDirectory() as scratch:
        convert_to_tfjs(model, Path(scratch) / "tfjs")
        meta = {
            "fingerprint": fingerprint,
            "encoding": model_config["encoding"],
            "vocabulary": vocabulary,
            "corpus": corpus.stats(),
            "config": model_config,
            "training": summary,
        }
        modelcache.save(model_dir, model, Path(scratch) / "tfjs", meta)
    shutil.rmtree(checkpoints, ignore_errors=True)  # kept only while training, in case it is cut off
