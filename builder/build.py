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

from . import modelcache, modelcheck
from .config import load_config
from .corpus import Corpus, load_corpus
from .errors import BuildError, ContentError, Problem
from .export import convert_to_tfjs, write_web_model
from .media import gather_media, write_media
from .output import check_output, staging_dir
from .pwa import write_pwa
from .site import PROJECT_ROOT, bundle_assets, render_page, write_data
from .songs import encode_songs


@dataclass
class BuildOptions:
    content: Path = Path("content")
    out: Path = Path("dist")
    config: Path | None = None  # default: CONTENT/site.toml
    retrain: bool = False
    no_train: bool = False  # refuse to build rather than train (a model that does not verify included)
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
    check_output(options.out, content=content, web_src=options.web_src, project=PROJECT_ROOT)
    config = load_config(options.config or content / "site.toml")

    problems = []
    try:
        songs = encode_songs(content / "songs")
    except ContentError as error:
        problems.extend(error.problems)
        songs = []
    try:
        media = gather_media(content, PROJECT_ROOT)
    except ContentError as error:
        problems.extend(error.problems)

    model_dir = content / "model"
    model_inputs = modelcache.inputs(content / "midi", config["model"], content / "leadsheets")
    stale = "--retrain was given" if options.retrain else modelcache.why_stale(model_dir, model_inputs)
    corpus = None
    if stale and (options.no_train or (model_dir.exists() and not model_dir.is_dir())):
        # Training would only end in a traceback where the cache's folder should be; with --no-train
        # the user asked never to wait for one.
        why = "--no-train was given" if options.no_train else "a model is trained into a folder only"
        problems.append(Problem(model_dir, f"the model cannot be used ({stale}), and {why}"))
    elif stale:
        log(f"Model: (re)training, because {stale}.")
        try:
            # A bar redrawn with carriage returns belongs on a terminal: in a log it leaves a partial
            # line that the first error would be written onto.
            corpus = load_training_corpus(
                content,
                config["model"]["encoding"],
                progress=not options.quiet and sys.stderr.isatty(),
                cache=model_dir / "tokens-cache.json",
            )
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise ContentError(problems)

    if corpus is not None:
        # Keras's verbose=1 redraws one line per epoch (on stdout); 2 prints one finished line per epoch.
        verbose = 0 if options.quiet else 1 if sys.stdout.isatty() else 2
        _train_and_cache(corpus, config, content, model_inputs, log, verbose=verbose)
    else:
        log(f"Model: reusing {model_dir} (corpus and config unchanged, its files verified).")
    try:
        meta = modelcheck.verify(model_dir)  # never ship what does not verify, freshly trained or not
    except modelcheck.Unverified as error:
        raise BuildError(Problem(model_dir, f"the model does not verify: {error}")) from None
    stats = meta["corpus"]
    log(
        f"Corpus: {stats['files']} files, {stats['tokens']} tokens, {stats['vocabulary']} distinct tokens; "
        f"the model's vocabulary: {len(meta['vocabulary'])}."
    )

    with staging_dir(options.out) as staging:
        write_web_model(model_dir, staging / "model", meta, config["generation"])
        write_data(staging, config["site"], songs)
        write_media(staging, media)
        render_page(options.web_src, staging, config["site"], songs, meta)
        bundle_assets(options.web_src, staging)
        write_pwa(staging, config["site"], options.web_src)  # last: it lists and hashes the site

    seconds = time.monotonic() - started
    log(f"Built {options.out} in {seconds:.1f} seconds ({len(songs)} songs).")
    return BuildResult(trained=corpus is not None, seconds=seconds, stats=stats)


def _train_and_cache(corpus: Corpus, config: dict, content: Path, model_inputs: dict, log, verbose: int) -> None:
    from .copyguard import build_guard
    from .evaluate import evaluate
    from .listening_pieces import listening_pieces, write_listening
    from .modelgate import why_worse
    from .report_pictures import plot_loss
    from .train import prepare_data, train_model

    model_dir = content / "model"

    model_config = config["model"]
    data = prepare_data(corpus, model_config)
    log(
        f"Corpus: {corpus.stats()['tokens']} tokens in {len(corpus.pieces)} files; "
        f"{len(data.split.validation)} files held out; vocabulary {len(data.vocabulary)} with transpositions."
    )
    checkpoints = model_dir / "checkpoints"
    try:
        model, summary = train_model(data, model_config, checkpoints / "best.h5", verbose=verbose)
    except ValueError as error:
        raise BuildError(f"{model_dir}: cannot train: {error}") from None
    log(
        f"Trained {summary['epochs_run']} epochs in {summary['seconds'] / 60:.1f} minutes (ended by {summary['stopped_by']})."
    )
    log("Evaluating on the held-out files...")
    if model_config["encoding"] == "leadsheet":
        log("Training the chord-blind baseline (the same tokens without chords), then composing test pieces...")
    # The baseline gets the model's budget: as many epochs as the model ran.
    baseline_config = {**model_config, "epochs": summary["epochs_run"]}
    report = evaluate(
        model,
        data,
        config["generation"],
        baseline_config,
        checkpoints,
        verbose=verbose,
        leadsheets=content / "leadsheets",
    )
    previous = _previous(model_dir)
    worse = why_worse(report, previous, model_inputs, model_config["refuse_worse"])
    if worse:
        shutil.rmtree(checkpoints, ignore_errors=True)
        kept = "the cached model was kept" if previous else "nothing was cached"
        raise BuildError(Problem(model_dir, f"the newly trained model is refused: {worse}; {kept}"))
    guard = None  # the runs of the lead sheets compose() must not copy, shipped with the model
    if model_config["encoding"] == "leadsheet":
        guard = build_guard([p.tokens for p in data.split.train + data.split.validation if p.lofi])
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        convert_to_tfjs(model, scratch / "tfjs", model_config["quantization"])
        report["web_model_bytes"] = sum(p.stat().st_size for p in (scratch / "tfjs").iterdir())
        plot_loss(summary["history"], scratch / "loss.png")
        listening = []
        if model_config["encoding"] == "leadsheet":
            log("Composing the report's listening pieces...")
            pieces = listening_pieces(model, data.vocabulary, config["generation"], copy_guard=guard)
            listening = write_listening(pieces, scratch / "listening")
        meta = {
            "inputs": model_inputs,
            "fingerprint": modelcache.fingerprint(model_inputs),
            "encoding": model_config["encoding"],
            "vocabulary": data.vocabulary,
            "corpus": corpus.stats(),
            "config": model_config,
            "training": summary,
            "evaluation": report,
            "listening": listening,
        }
        if guard is not None:
            meta["copyGuard"] = guard
        modelcache.save(model_dir, model, scratch / "tfjs", scratch / "loss.png", meta, scratch / "listening")
    shutil.rmtree(checkpoints, ignore_errors=True)  # kept only while training, in case it is cut off
    _log_report(report, log)


def _previous(model_dir: Path) -> dict | None:
    """The cached model's record, if its files verify: only such a model is worth keeping."""
    try:
        return modelcheck.verify(model_dir)
    except modelcheck.Unverified:
        return None


def load_training_corpus(content: Path, encoding: str, progress: bool, cache: Path) -> Corpus:
    """The MIDI files, and for the lead-sheet encoding the lo-fi lead sheets too."""
    if encoding == "leadsheet":
        from .leadsheet_files import load_leadsheet_corpus

        return load_leadsheet_corpus(content / "midi", content / "leadsheets", progress=progress, cache=cache)
    return load_corpus(content / "midi", encoding, progress=progress, cache=cache)


def _log_report(report: dict, log) -> None:
    if "lstm" in report:
        best = min(report["ngrams"], key=lambda r: r["perplexity"])
        log(
            f"Held-out perplexity: LSTM {report['lstm']['perplexity']}, best n-gram (order {best['order']}) "
            f"{best['perplexity']}; top-1 accuracy {report['lstm']['top1_accuracy']}; "
            f"float16 agreement {report['float16_top1_agreement']}."
        )
    if "solos" in report:
        solos = report["solos"]
        log(
            f"Generated solos: {solos['memorised_8gram_share']:.0%} of 8-grams memorised, longest repeat "
            f"{solos['longest_repeat_run']}, commonest token {solos['commonest_token_share']:.0%}."
        )
    if "leadsheet" in report:
        for line in leadsheet_report_lines(report["leadsheet"]):
            log(line)
    log(f"Web model {report['web_model_bytes'] / 1e6:.2f} MB.")


def leadsheet_report_lines(leadsheet: dict) -> list[str]:
    """The lead-sheet measures as a table for the build log."""

    def cell(value):
        return "-" if value is None else f"{value:g}"

    lines = [
        f"Lead-sheet measures: {leadsheet['follow_pieces']} pieces of {leadsheet['bars']} bars over test "
        f"progressions, {leadsheet['free_pieces']} in free mode; the baseline is chord-blind.",
        f"  {'measure':<68} {'target':>11} {'lo-fi':>7} {'model':>7} {'blind':>7}",
    ]
    for row in leadsheet["measures"]:
        low, high = row["target"]
        target = (
            "-"
            if low is None and high is None
            else f"{cell(low) if low is not None else ''}..{cell(high) if high is not None else ''}"
        )
        model = row.get("note") if row["model"] is None and row.get("note") else cell(row["model"])
        lines.append(
            f"  {row['label']:<68} {target:>11} {cell(row['corpus']):>7} {model:>7} {cell(row['baseline']):>7}"
        )
    if leadsheet.get("melody_median_by_key"):
        lines.append(
            "  melody median (MIDI) by key, lo-fi/model/blind: "
            + ", ".join(
                f"{k['key']} {cell(k['corpus'])}/{cell(k['model'])}/{cell(k['baseline'])}"
                for k in leadsheet["melody_median_by_key"]
            )
        )
    return lines
