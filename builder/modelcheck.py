"""Proof that a cached model is whole before a build ships it.

A committed model is exactly what a fork, a merge or a bad copy can break, and a broken one used to be
shipped as it was. `verify` checks, in this order, and raises Unverified with one line naming the
first thing wrong:

- meta.json is strict JSON (no NaN) with every field the build and the page read;
- the vocabulary is in the order the trainer writes it (a swap of two tokens breaks it) and, when
  meta.json records digests, matches the recorded digest, as must every file the cache records;
- loss.png and the listening pieces' pictures named in meta.json are regular files inside the folder,
  and each piece carries what the report plays it from (its tokens, seed and bars);
- tfjs/model.json has a topology the page can step and a weights manifest whose shards lie in tfjs/
  and have the bytes it says;
- the weights, read as the page reads them (web_src/js/ai/weights.js), run forward on a few tokens to
  finite probabilities over exactly the vocabulary's tokens.

This needs numpy only, so checking a model to reuse costs a fraction of a second, not TensorFlow's import.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np

from .corpus import build_vocabulary
from .safepath import OutsideFolder, regular_file_inside

META = "meta.json"
TFJS_DIR = "tfjs"
SPEC = "model.json"
LOSS_PLOT = "loss.png"
PROBE_TOKENS = 8  # a forward pass this long proves the weights load and produce numbers

# A manifest entry's element size, and how its stored numbers become float32 (tfjs io.decodeWeights).
DTYPE_BYTES = {"float32": 4, "int32": 4, "bool": 1}
QUANTIZED_BYTES = {"float16": 2, "uint8": 1, "uint16": 2}


class Unverified(ValueError):
    """The cached model is not whole: one line saying which file and what is wrong."""


def digest_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digest_vocabulary(vocabulary: list[str]) -> str:
    return hashlib.sha256(json.dumps(vocabulary).encode()).hexdigest()


def recorded_files(model_dir: Path, listening: list[dict]) -> list[str]:
    """The cache's files that are shipped, relative to `model_dir`: the web model, the loss curve, the
    pieces' piano rolls."""
    names = [f"{TFJS_DIR}/{SPEC}"] + [f"{TFJS_DIR}/{p}" for p in shard_paths(read_spec(model_dir))]
    if (model_dir / LOSS_PLOT).is_file():
        names.append(LOSS_PLOT)
    names += [entry["image"] for entry in listening]
    return names


def digests(model_dir: Path, vocabulary: list[str], listening: list[dict]) -> dict:
    """What meta.json records so that a later build can tell the cache is what was written."""
    return {
        "vocabulary": digest_vocabulary(vocabulary),
        "files": {name: digest_file(model_dir / name) for name in recorded_files(model_dir, listening)},
    }


def read_json(path: Path, label: str):
    """Strict JSON: NaN and Infinity are refused, since the page's JSON.parse refuses them too."""

    def no_constants(name):
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_constant=no_constants)
    except FileNotFoundError:
        raise Unverified(f"{label} is missing") from None
    except IsADirectoryError:
        raise Unverified(f"{label} is a folder, not a file") from None
    except OSError as error:
        raise Unverified(f"{label} cannot be read ({error.strerror or error})") from None
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise Unverified(f"{label} is not valid JSON ({str(error)[:120]})") from None


def verify(model_dir: Path) -> dict:
    """The cached model's meta.json, once everything above holds; else Unverified."""
    if not model_dir.is_dir():
        raise Unverified(f"{model_dir} is {'a file' if model_dir.exists() else 'missing'}, not a folder")
    meta = check_meta(read_json(model_dir / META, META))
    vocabulary = meta["vocabulary"]
    recorded = meta.get("digests")
    if recorded is not None:
        check_digests(model_dir, recorded, vocabulary)
    check_named_files(model_dir, meta)
    spec = read_spec(model_dir)
    weights = read_weights(model_dir, spec)
    probe(layers_of(spec), weights, len(vocabulary))
    return meta


def check_meta(meta) -> dict:
    if not isinstance(meta, dict):
        raise Unverified(f"{META} is not a JSON object")
    for key, kind in (("inputs", dict), ("encoding", str), ("fingerprint", str), ("vocabulary", list)):
        if not isinstance(meta.get(key), kind):
            raise Unverified(f"{META} has no '{key}' ({kind.__name__})")
    for key in ("corpus", "evaluation"):
        if not isinstance(meta.get(key), dict):
            raise Unverified(f"{META} has no '{key}' (an object)")
    for key in ("files", "tokens", "vocabulary"):
        if not _count(meta["corpus"].get(key)):
            raise Unverified(f"{META}: corpus.{key} is not a count")
    vocabulary = meta["vocabulary"]
    if not vocabulary or not all(isinstance(t, str) for t in vocabulary):
        raise Unverified(f"{META}: the vocabulary is not a list of tokens")
    if len(set(vocabulary)) != len(vocabulary):
        raise Unverified(f"{META}: the vocabulary names a token twice")
    if build_vocabulary(vocabulary) != vocabulary:
        # The trainer writes the frame and rest tokens first, then the rest sorted (corpus.build_vocabulary):
        # any other order means ids and tokens no longer match, e.g. two tokens swapped by hand or a merge.
        raise Unverified(f"{META}: the vocabulary is not in the trainer's order (tokens swapped or edited?)")
    listening = meta.get("listening", [])
    if not isinstance(listening, list) or not all(_playable(e) for e in listening):
        raise Unverified(f"{META}: 'listening' is not a list of pieces with a picture, tokens, a seed and bars")
    return meta


def _playable(entry) -> bool:
    """A listening piece as the report shows and plays it (builder/listening_pieces.py write_listening)."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("image"), str)
        and isinstance(entry.get("tokens"), list)
        and all(isinstance(t, str) and t and " " not in t for t in entry["tokens"])
        and isinstance(entry.get("follows"), (str, type(None)))
        and _count(entry.get("seed"))
        and _count(entry.get("bars"))
        and entry["bars"] > 0
    )


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_digests(model_dir: Path, recorded, vocabulary: list[str]) -> None:
    if not isinstance(recorded, dict) or not isinstance(recorded.get("files"), dict):
        raise Unverified(f"{META}: 'digests' is not an object with 'files'")
    if recorded.get("vocabulary") != digest_vocabulary(vocabulary):
        raise Unverified(f"{META}: the vocabulary differs from the one the model was trained with (its digest)")
    for name, expected in sorted(recorded["files"].items()):
        try:
            path = regular_file_inside(model_dir, name)
        except OutsideFolder as error:
            raise Unverified(f"{error}") from None
        if digest_file(path) != expected:
            raise Unverified(f"{name} is not the file the model was saved with (its digest differs)")


def check_named_files(model_dir: Path, meta: dict) -> None:
    """The loss curve and the listening pieces' pictures are copied into the site: each must be a file in this folder."""
    if (model_dir / LOSS_PLOT).exists() or (model_dir / LOSS_PLOT).is_symlink():
        _regular(model_dir, LOSS_PLOT)
    for entry in meta.get("listening", []):
        _regular(model_dir, entry["image"])


def _regular(folder: Path, name: str) -> Path:
    if "/" in name:  # the site keeps the pieces beside report.json, by their names alone
        raise Unverified(f"{META}: '{name}' is not a plain file name")
    try:
        return regular_file_inside(folder, name)
    except OutsideFolder as error:
        raise Unverified(f"{folder.name}: {error}") from None


def read_spec(model_dir: Path) -> dict:
    spec = read_json(_shard(model_dir, SPEC), f"{TFJS_DIR}/{SPEC}")
    if not isinstance(spec, dict) or not isinstance(spec.get("weightsManifest"), list):
        raise Unverified(f"{TFJS_DIR}/{SPEC} has no weights manifest")
    layers_of(spec)
    return spec


def shard_paths(spec: dict) -> list[str]:
    paths = []
    for group in spec["weightsManifest"]:
        if not isinstance(group, dict) or not isinstance(group.get("paths"), list):
            raise Unverified(f"{TFJS_DIR}/{SPEC}: a weights group has no paths")
        paths += group["paths"]
    return paths


def shipped(model_dir: Path) -> list[Path]:
    """The web model's files, as named by its model.json, each checked to lie in the cache's folder."""
    spec = read_spec(model_dir)
    return [_shard(model_dir, SPEC)] + [_shard(model_dir, name) for name in shard_paths(spec)]


def _shard(model_dir: Path, name) -> Path:
    """tfjs/NAME, a regular file whose real place is inside `model_dir` (tfjs/ itself may not lead out)."""
    if not isinstance(name, str) or "/" in name:  # the site keeps the shards beside model.json
        raise Unverified(f"{TFJS_DIR}/{SPEC}: a weights path is not a plain file name ({name!r})")
    try:
        return regular_file_inside(model_dir, f"{TFJS_DIR}/{name}")
    except OutsideFolder as error:
        raise Unverified(f"{error}") from None


def layers_of(spec: dict) -> list[dict]:
    topology = spec.get("modelTopology")
    model = topology.get("model_config", topology) if isinstance(topology, dict) else None
    config = model.get("config") if isinstance(model, dict) else None
    layers = config if isinstance(config, list) else config.get("layers") if isinstance(config, dict) else None
    if not isinstance(layers, list) or not all(isinstance(layer, dict) for layer in layers):
        raise Unverified(f"{TFJS_DIR}/{SPEC} has no model topology (no layers)")
    return layers


def read_weights(model_dir: Path, spec: dict) -> dict[str, np.ndarray]:
    """Every weight as float32, read from the shards in the manifest's order (as tfjs io.decodeWeights does)."""
    data = b"".join(_shard(model_dir, name).read_bytes() for name in shard_paths(spec))
    weights, offset = {}, 0
    for group in spec["weightsManifest"]:
        for entry in group.get("weights") or []:
            name, array, offset = _decode(entry, data, offset)
            weights[name] = array
    if offset != len(data):
        raise Unverified(f"{TFJS_DIR}: the weight shards hold {len(data)} bytes where the manifest needs {offset}")
    return weights


def _decode(entry, data: bytes, offset: int):
    try:
        name, shape, dtype = entry["name"], [int(n) for n in entry["shape"]], entry["dtype"]
        quantization = entry.get("quantization")
        count = math.prod(shape)
        if quantization:
            stored = quantization["dtype"]
            size = count * QUANTIZED_BYTES[stored]
        else:
            stored, size = dtype, count * DTYPE_BYTES[dtype]
    except (KeyError, TypeError, ValueError) as error:
        raise Unverified(f"{TFJS_DIR}/{SPEC}: a weight entry cannot be read ({error})") from None
    if offset + size > len(data):
        raise Unverified(f"{TFJS_DIR}: the weight shards end before '{name}' (truncated: {len(data)} bytes)")
    raw = data[offset : offset + size]
    if stored == "float16":
        array = np.frombuffer(raw, "<f2").astype(np.float32)
    elif stored in ("uint8", "uint16"):
        scale, low = float(quantization["scale"]), float(quantization["min"])
        array = np.frombuffer(raw, "<u1" if stored == "uint8" else "<u2").astype(np.float32) * scale + low
    else:
        array = np.frombuffer(raw, {"float32": "<f4", "int32": "<i4", "bool": "u1"}[stored]).astype(np.float32)
    return name, array.reshape(shape), offset + size


def probe(layers: list[dict], weights: dict[str, np.ndarray], vocab_size: int) -> None:
    """Run the page's stack (Embedding, LSTM*, Dense*, softmax) on a few tokens; the output must be a
    distribution over exactly `vocab_size` tokens, with finite numbers."""

    def take(layer_name: str, suffix: str) -> np.ndarray:
        for key, value in weights.items():
            if key.startswith(f"{layer_name}/") and key.endswith(f"/{suffix}"):
                return value
        raise Unverified(f"{TFJS_DIR}/{SPEC}: layer {layer_name} has no {suffix} weight")

    tokens = np.arange(min(PROBE_TOKENS, vocab_size))
    x = None
    for layer in layers:
        kind, config = layer.get("class_name"), layer.get("config") or {}
        name = config.get("name", layer.get("name"))
        if kind in ("InputLayer", "Dropout"):
            continue
        if kind == "Embedding":
            table = take(name, "embeddings")
            if table.ndim != 2 or table.shape[0] != vocab_size:
                raise Unverified(
                    f"the model reads {table.shape[0]} tokens but its vocabulary has {vocab_size}: "
                    "they no longer belong together"
                )
            x = table[tokens]
        elif kind == "LSTM" and x is not None:
            x = _lstm(x, take(name, "kernel"), take(name, "recurrent_kernel"), take(name, "bias"))
        elif kind == "Dense" and x is not None:
            x = _dense(x, take(name, "kernel"), take(name, "bias"), config.get("activation", "linear"))
        elif kind == "Activation" and config.get("activation") == "softmax":
            x = _softmax(x)
        else:
            raise Unverified(f"{TFJS_DIR}/{SPEC}: layer {kind} ({name}) is not one the page can step")
    if x is None or x.ndim != 2:
        raise Unverified(f"{TFJS_DIR}/{SPEC}: the model is not Embedding -> LSTM -> Dense")
    if x.shape[1] != vocab_size:
        raise Unverified(
            f"the model's output layer has {x.shape[1]} tokens but its vocabulary {vocab_size}: "
            "they no longer belong together"
        )
    if not np.all(np.isfinite(x)):
        raise Unverified(f"{TFJS_DIR}: the weights give no numbers on a test input (NaN or infinite: damaged?)")


def _lstm(x, kernel, recurrent, bias):
    """Keras's LSTM (gates i, f, c, o; tanh and sigmoid), one step per token."""
    try:
        units = recurrent.shape[0]
        h, c, out = np.zeros(units, np.float32), np.zeros(units, np.float32), []
        with np.errstate(all="ignore"):
            for step in x:
                z = step @ kernel + h @ recurrent + bias
                i, f, g, o = (z[k * units : (k + 1) * units] for k in range(4))
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
                h = _sigmoid(o) * np.tanh(c)
                out.append(h)
    except ValueError as error:  # shapes that do not fit each other
        raise Unverified(f"{TFJS_DIR}: an LSTM's weights do not fit together ({error})") from None
    return np.stack(out)


def _dense(x, kernel, bias, activation):
    try:
        with np.errstate(all="ignore"):
            y = x @ kernel + bias
    except ValueError as error:
        raise Unverified(f"{TFJS_DIR}: a Dense layer's weights do not fit its input ({error})") from None
    functions = {"linear": lambda v: v, "relu": lambda v: np.maximum(v, 0), "tanh": np.tanh, "sigmoid": _sigmoid}
    if activation == "softmax":
        return _softmax(y)
    if activation not in functions:
        raise Unverified(f"{TFJS_DIR}/{SPEC}: Dense activation {activation} is not one the page can step")
    return functions[activation](y)


def _sigmoid(v):
    with np.errstate(all="ignore"):
        return 1 / (1 + np.exp(-v))


def _softmax(v):
    with np.errstate(all="ignore"):
        e = np.exp(v - v.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
