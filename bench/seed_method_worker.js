// The seed article's way to generate, kept only to measure the page's stepper against: for every
// new token the whole Keras model (tfjs-layers' model.predict) re-reads the last `window` tokens
// from a zero state. bench/generation.py bundles this file into its throwaway site (never into the
// product: the page's worker has no tfjs-layers) and runs it in a Web Worker of its own, on the
// same backend and weights as the page's worker.
//
// Message {modelUrl, wasmPath, vocabSize, tokens, window, seed} -> {msPerToken, backend} or {error}.

/* global self */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { mulberry32, sampleIndex, seedToUint32 } from '../web_src/js/ai/sampling.js';

async function seedMethod({ modelUrl, wasmPath, vocabSize, tokens: count = 20, window = 100, seed = 1 }) {
  setWasmPaths(wasmPath);
  await tf.setBackend('wasm');
  await tf.ready();
  const model = await tf.loadLayersModel(modelUrl);
  const rng = mulberry32(seedToUint32(seed));
  const ids = Array.from({ length: window }, () => Math.floor(rng() * vocabSize));
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const input = tf.tensor2d(ids.slice(-window), [1, window], 'int32');
    const probs = model.predict(input);
    const last = tf.tidy(() => tf.squeeze(tf.slice(probs, [0, window - 1, 0], [1, 1, -1])));
    const values = await last.data();
    tf.dispose([input, probs, last]);
    ids.push(sampleIndex(Float32Array.from(values, (p) => Math.log(Math.max(p, 1e-12))), { temperature: 1 }, rng));
  }
  const msPerToken = (performance.now() - started) / count;
  model.dispose();
  return { msPerToken, backend: tf.getBackend() };
}

self.onmessage = async (event) => {
  try {
    self.postMessage(await seedMethod(event.data));
  } catch (err) {
    self.postMessage({ error: err?.message ?? String(err) });
  }
};
