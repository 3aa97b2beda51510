// The LSTM solo generator. The exported Keras model is loaded with tf.loadLayersModel only to get
// at its weights; generation runs our own single-step stacked LSTM that carries (h, c) per layer
// from token to token. Re-running a whole window per token (the seed article's method) is ~70x
// slower in the browser (see docs/stack notes), and step-by-step gives the same math.

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fetchJson, siteUrl } from './urls.js';
import { mulberry32, sampleIndex, seedToUint32 } from './sampling.js';

// wasm is by far the fastest at batch 1; webgl and cpu are fallbacks (see docs/stack notes).
const BACKEND_ORDER = ['wasm', 'webgl', 'cpu'];

const FALLBACK_DEFAULTS = { temperature: 1.0, topK: 0, topP: 1.0, length: 64, seed: 1 };

// Frame tokens of the "timed" encoding: every training piece is "<s> ... </s>".
export const START = '<s>';
export const END = '</s>';

let backendPromise = null;

// Picks the first backend that initialises. Resolves to {backend, notes}: notes explains any
// fallback so the page can show it.
export function initBackend() {
  backendPromise ??= (async () => {
    // The .wasm files are copied by the builder next to the bundle; resolving against the page
    // keeps this right under a sub-path.
    setWasmPaths(siteUrl('assets/tfjs-wasm/'));
    const notes = [];
    for (const name of BACKEND_ORDER) {
      try {
        if (await tf.setBackend(name)) {
          await tf.ready();
          return { backend: tf.getBackend(), notes };
        }
        notes.push(`${name} backend did not start`);
      } catch (err) {
        notes.push(`${name} backend failed (${err.message})`);
      }
    }
    throw new Error(`no TensorFlow.js backend could start: ${notes.join('; ')}`);
  })();
  return backendPromise;
}

export function tensorCount() {
  return tf.memory().numTensors;
}

// Applies a Keras activation by name. Only what a Dense layer of this architecture plausibly has.
const ACTIVATIONS = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  elu: (x) => tf.elu(x),
};

// Walks the model's layers (Embedding -> [LSTM, Dropout]* -> Dense* -> Activation(softmax)) and
// keeps references to the weight tensors. Throws on anything our step function cannot reproduce.
function extractStack(model) {
  const stack = { embedding: null, lstms: [], dense: [] };
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    const config = layer.getConfig();
    const weights = layer.getWeights();
    switch (kind) {
      case 'InputLayer':
      case 'Dropout': // identity at inference time
        break;
      case 'Embedding':
        stack.embedding = weights[0]; // [vocab, E]
        break;
      case 'LSTM': {
        if (config.activation !== 'tanh' || config.recurrentActivation !== 'sigmoid') {
          throw new Error(`LSTM ${layer.name} uses ${config.activation}/${config.recurrentActivation}; expected tanh/sigmoid`);
        }
        if (!config.useBias || weights.length !== 3) throw new Error(`LSTM ${layer.name} has no bias`);
        // Keras layout: kernel [in, 4u], recurrent_kernel [u, 4u], bias [4u]; gates i, f, c, o.
        const [kernel, recurrentKernel, bias] = weights;
        stack.lstms.push({ kernel, recurrentKernel, bias, units: config.units });
        break;
      }
      case 'Dense': {
        const activation = config.activation;
        if (activation !== 'softmax' && !(activation in ACTIVATIONS)) {
          throw new Error(`Dense ${layer.name} has unsupported activation ${activation}`);
        }
        stack.dense.push({ kernel: weights[0], bias: weights[1] ?? null, activation });
        break;
      }
      case 'Activation':
        if (config.activation !== 'softmax') throw new Error(`unexpected final activation ${config.activation}`);
        break;
      default:
        throw new Error(`unsupported layer ${kind} (${layer.name})`);
    }
  }
  if (!stack.embedding || stack.lstms.length === 0 || stack.dense.length === 0) {
    throw new Error('model is not Embedding -> LSTM -> Dense');
  }
  return stack;
}

export class SoloModel {
  constructor(model, meta) {
    this.model = model; // kept alive: the stack below borrows its weight tensors
    this.stack = extractStack(model);
    this.vocab = meta.vocab;
    this.index = new Map(this.vocab.map((token, i) => [token, i]));
    this.defaults = { ...FALLBACK_DEFAULTS, ...(meta.defaults || {}) };
    this.rhythm = meta.rhythm;
    this.fingerprint = meta.fingerprint ?? null;

    const rows = this.stack.embedding.shape[0];
    const outputs = this.stack.dense[this.stack.dense.length - 1].kernel.shape[1];
    if (rows !== this.vocab.length || outputs !== this.vocab.length) {
      throw new Error(`vocab has ${this.vocab.length} tokens but the model has ${rows} inputs / ${outputs} outputs`);
    }
  }

  // Zero (h, c) for every LSTM layer, batch 1.
  zeroState() {
    return this.stack.lstms.map(({ units }) => ({ h: tf.zeros([1, units]), c: tf.zeros([1, units]) }));
  }

  static disposeState(state) {
    for (const { h, c } of state) tf.dispose([h, c]);
  }

  // One token through the stack. Returns the new state and the logits (pre-softmax scores) for
  // the next token. The caller owns both and must dispose them.
  step(tokenId, state) {
    const { embedding, lstms, dense } = this.stack;
    return tf.tidy(() => {
      let x = tf.gather(embedding, tf.tensor1d([tokenId], 'int32')); // [1, E]
      const next = lstms.map((layer, i) => {
        const { h, c } = state[i];
        const z = tf.add(tf.add(tf.matMul(x, layer.kernel), tf.matMul(h, layer.recurrentKernel)), layer.bias);
        const [zi, zf, zc, zo] = tf.split(z, 4, 1);
        const cNext = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zc)));
        const hNext = tf.mul(tf.sigmoid(zo), tf.tanh(cNext));
        x = hNext; // dropout is the identity at inference
        return { h: hNext, c: cNext };
      });
      dense.forEach((layer) => {
        x = tf.matMul(x, layer.kernel);
        if (layer.bias) x = tf.add(x, layer.bias);
        // The final softmax is left to the sampler, which works on logits.
        if (layer.activation !== 'softmax') x = ACTIVATIONS[layer.activation](x);
      });
      return { state: next, logits: x };
    });
  }

  // Runs one token and swaps the state in place; returns the next-token logits as a Float32Array.
  async advance(tokenId, holder) {
    const { state, logits } = this.step(tokenId, holder.state);
    SoloModel.disposeState(holder.state);
    holder.state = state;
    try {
      // A copy: the caller may edit it (masking "<s>"), and some backends hand out their buffer.
      return Float32Array.from(await logits.data());
    } finally {
      logits.dispose();
    }
  }

  // Generates `length` new tokens, mirroring builder/sampler.py so the build's judgement of the
  // default settings holds for the page:
  // - primer: token strings fed first to warm up the state, not part of the result. Default: "<s>"
  //   when the vocabulary has it (timed encoding); else one token drawn by the seeded PRNG (the
  //   article starts from a random slice of the corpus, which the page does not have).
  // - "<s>" is never sampled; when the model ends a piece ("</s>") the next input is "<s>", and
  //   neither frame token is part of the solo, so a solo never stops early.
  async generate(options = {}) {
    const settings = { ...this.defaults, ...stripUndefined(options) };
    const length = clampInt(settings.length, 1, 4096);
    const seed = seedToUint32(settings.seed);
    const rng = mulberry32(seed);
    const startId = this.index.get(START) ?? null;
    const endId = this.index.get(END) ?? null;

    let primer = settings.primer;
    if (typeof primer === 'string') primer = primer.trim() ? primer.trim().split(/\s+/) : [];
    let primerIds;
    if (primer && primer.length) {
      primerIds = primer.map((token) => {
        if (!this.index.has(token)) throw new Error(`primer token "${token}" is not in the vocabulary`);
        return this.index.get(token);
      });
    } else if (startId !== null) {
      primerIds = [startId];
    } else {
      primerIds = [Math.floor(rng() * this.vocab.length)];
    }

    const sampling = {
      temperature: Number(settings.temperature),
      topK: clampInt(settings.topK ?? 0, 0, this.vocab.length),
      topP: Number(settings.topP ?? 1),
    };
    const holder = { state: this.zeroState() };
    const tokens = [];
    // A degenerate model could end every piece at once; cap the steps rather than loop forever.
    const maxSteps = length * 8 + 64;
    try {
      let logits;
      for (const id of primerIds) logits = await this.advance(id, holder);
      for (let steps = 0; tokens.length < length && steps < maxSteps; steps++) {
        if (startId !== null) logits[startId] = -Infinity;
        const id = sampleIndex(logits, sampling, rng);
        if (id === endId) {
          logits = await this.advance(startId ?? endId, holder);
          continue;
        }
        tokens.push(this.vocab[id]);
        if (tokens.length < length) logits = await this.advance(id, holder);
      }
    } finally {
      SoloModel.disposeState(holder.state);
    }
    return { tokens, seed, settings: { ...sampling, length, seed } };
  }
}

function stripUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

function clampInt(value, min, max) {
  const n = Math.trunc(Number(value));
  if (!Number.isFinite(n)) return min;
  return Math.min(max, Math.max(min, n));
}

// Reads generation.json only: cheap, and enough to show defaults and know the AI layer exists.
export async function loadGenerationMeta() {
  const meta = await fetchJson('model/generation.json');
  if (!Array.isArray(meta.vocab) || meta.vocab.length === 0) throw new Error('generation.json has no vocab');
  return meta;
}

export async function loadSoloModel(meta) {
  const { backend, notes } = await initBackend();
  const model = await tf.loadLayersModel(siteUrl('model/model.json'));
  try {
    return { solo: new SoloModel(model, meta), backend, notes };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
