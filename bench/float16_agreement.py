"""Top-1 agreement of the page's LSTM stepper on the shipped float16 weights with Keras on float32.

    .venv/bin/python -m bench.float16_agreement [--model content/model] [--pieces 66]

The site stores the model's weights as float16 (site.toml [model] quantization, the tensorflowjs
converter's float16 quantization): half the download. This measures what that costs where it
matters, in the page's own code: web_src/js/ai/weights.js reads the float16 shards of
MODEL/tfjs/ and web_src/js/ai/lstm.js steps through token streams (in node, on TF.js's cpu
backend, the page's fallback), and at every position its most likely next token is compared with
the float32 Keras model's (MODEL/model.h5, the training output the site is exported from). The
streams are the lo-fi lead sheets the model learned from (MODEL/leadsheet-tokens-cache.json).
Prints one JSON object: agreement (the share of positions where both pick the same token), the
positions compared, and whether it meets the target (>= 0.99).

page_top1() is also what tests/test_float16_agreement.py runs on a tiny model.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from builder.site import PROJECT_ROOT

TARGET = 0.99

# Reads a converted model from disk with the page's weights.js and steps every stream through the
# page's SoloModel on the cpu backend; prints each stream's argmax at every position.
HARNESS_JS = """
import fs from 'node:fs';
import { ready, setBackend } from '@tensorflow/tfjs-core';
import './web_src/js/ai/backend.js';
import { readStack } from './web_src/js/ai/weights.js';
import { SoloModel } from './web_src/js/ai/lstm.js';
import { argmax } from './web_src/js/ai/sampling.js';

const { dir, vocabSize, streams } = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
await setBackend('cpu');
await ready();
const modelJson = JSON.parse(fs.readFileSync(`${dir}/model.json`, 'utf8'));
const shards = modelJson.weightsManifest.flatMap((group) => group.paths).map((path) => {
  const bytes = fs.readFileSync(`${dir}/${path}`);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
});
const solo = new SoloModel(readStack({ modelJson, shards }, `${dir}/model.json`), {
  vocab: Array.from({ length: vocabSize }, (_, i) => `t${i}`),
});
const top1 = streams.map((stream) => {
  const state = solo.zeroState();
  return stream.map((id) => argmax(solo.step(id, state)));
});
process.stdout.write(JSON.stringify(top1));
"""


def page_top1(tfjs_dir: Path, vocab_size: int, streams: list[list[int]]) -> list[list[int]]:
    """The page's stepper's top-1 next token at every position of every stream (token ids)."""
    esbuild = PROJECT_ROOT / "node_modules" / ".bin" / "esbuild"
    with tempfile.TemporaryDirectory(prefix="lofi-float16-") as tmp:
        bundle, request = Path(tmp) / "harness.mjs", Path(tmp) / "request.json"
        subprocess.run(
            [str(esbuild), "--bundle", "--platform=node", "--format=esm", "--log-level=error",
             "--sourcefile=harness.js", f"--outfile={bundle}",
             # TF.js's node build require()s node's modules: an ES module bundle needs require back.
             "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"],
            input=HARNESS_JS, text=True, cwd=PROJECT_ROOT, check=True,
        )  # fmt: skip
        request.write_text(json.dumps({"dir": str(tfjs_dir), "vocabSize": vocab_size, "streams": streams}))
        result = subprocess.run(["node", str(bundle), str(request)], capture_output=True, text=True, cwd=tmp)
        if result.returncode != 0:
            raise RuntimeError(f"{tfjs_dir}: the page's stepper failed: {result.stderr.strip()[-2000:]}")
        return json.loads(result.stdout)


def keras_top1(model, streams: list[list[int]]) -> list[list[int]]:
    return [np.argmax(model.predict(np.array([s]), verbose=0)[0], axis=-1).tolist() for s in streams]


def agreement(a: list[list[int]], b: list[list[int]]) -> tuple[float, int]:
    flat_a = np.concatenate([np.array(s) for s in a])
    flat_b = np.concatenate([np.array(s) for s in b])
    return float(np.mean(flat_a == flat_b)), int(flat_a.size)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "content" / "model")
    parser.add_argument("--pieces", type=int, default=66, help="lead sheets to run (at most the cache's)")
    args = parser.parse_args(argv)
    from builder.tf_env import import_keras

    keras = import_keras()
    meta = json.loads((args.model / "meta.json").read_text())
    index = {token: i for i, token in enumerate(meta["vocabulary"])}
    cache = json.loads((args.model / "leadsheet-tokens-cache.json").read_text())["files"]
    streams = [[index[t] for t in tokens if t in index] for tokens in list(cache.values())[: args.pieces]]
    model = keras.models.load_model(args.model / "model.h5", compile=False)
    spec = json.loads((args.model / "tfjs" / "model.json").read_text())
    dtypes = sorted(
        {w.get("quantization", {}).get("dtype", w["dtype"]) for g in spec["weightsManifest"] for w in g["weights"]}
    )
    share, positions = agreement(page_top1(args.model / "tfjs", len(index), streams), keras_top1(model, streams))
    result = {
        "benchmark": "float16 weights: the page's stepper against Keras float32, top-1 next token",
        "model": str(args.model),
        "stored_dtypes": dtypes,
        "pieces": len(streams),
        "positions": positions,
        "agreement": round(share, 5),
        "target": TARGET,
        "target_met": share >= TARGET,
        "evaluation_float16_top1_agreement": meta.get("evaluation", {}).get("float16_top1_agreement"),
    }
    print(json.dumps(result, indent=1))
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
