// The LSTM solo generator: a single-step stacked LSTM that carries (h, c) per layer from token to
// token, over the weights of the exported Keras model (weights.js). Re-running a whole window per
// token (the seed article's method) is ~70x slower in the browser (`make bench`), and step by step
// gives the same math. It runs inside the generation Web Worker (worker.js), so it never touches
// the DOM: every URL comes in absolute.

import { dispose, tensor2d } from '@tensorflow/tfjs-core';
import { initBackend, matMul, matMulRow } from './backend.js';
import { disposeStack, fetchModel, readStack } from './weights.js';
import { mulberry32 } from '../random.js';
import { sampleIndex, seedToUint32 } from './sampling.js';
import { GENERATION_DEFAULTS, GENERATION_RANGES } from './settings.js';
import { LeadSheetGrammar, chooseToken, classifyVocab } from './grammar.js';
import { Shaper, shapeStep } from './shaping.js';
import { CopyGuard } from './copyguard.js';
import { CHORD_TONE_BIAS, familyPitchClasses, parseChordToken, sixteenthsPerBar } from '../music/theory.js';


// Frame tokens of the "timed" encoding: every training piece is "<s> ... </s>".
export const START = '<s>';
export const END = '</s>';

export class SoloModel {
  // stack: from weights.js's readStack, owned from here on (dispose()).
  constructor(stack, meta) {
    this.stack = stack;
    this.vocab = meta.vocab;
    this.index = new Map(this.vocab.map((token, i) => [token, i]));
    this.defaults = { ...GENERATION_DEFAULTS, ...(meta.defaults || {}) };
    this.fingerprint = meta.fingerprint ?? null;
    this.encoding = meta.encoding ?? null;
    this.copyGuard = meta.copyGuard ?? null; // {n, hashes}: runs of the lead sheets compose() must not copy
    this.leadSheet = null; // classifyVocab(vocab), made at the first compose()
    this.chordTones = new Map(); // chord token -> the pitch classes its strong beats favour

    const rows = stack.vocabSize;
    const outputs = stack.dense[stack.dense.length - 1].kernel.shape[1];
    if (rows !== this.vocab.length || outputs !== this.vocab.length) {
      throw new Error(`vocab has ${this.vocab.length} tokens but the model has ${rows} inputs / ${outputs} outputs`);
    }
    // Layer 1's input is always an embedding row, so its input part, embedding @ kernel + bias, is
    // one row per token, computed once here ([vocab, 4u]); a step then multiplies only h by the
    // recurrent kernel. Deeper layers get [kernel; recurrent_kernel] stacked, so their step is one
    // fused matMul of [x, h] (+ bias).
    const [first, ...deeper] = stack.lstms;
    this.firstInputRows = matMul(stack.embedding, rows, first.kernel, first.bias);
    dispose([first.kernel, first.bias]); // folded into firstInputRows
    first.kernel = first.bias = null;
    for (const layer of deeper) {
      const kernel = layer.kernel.dataSync();
      const recurrent = layer.recurrentKernel.dataSync();
      const stacked = new Float32Array(kernel.length + recurrent.length); // row-major: rows appended
      stacked.set(kernel, 0);
      stacked.set(recurrent, kernel.length);
      layer.inputSize = layer.kernel.shape[0];
      layer.stacked = tensor2d(stacked, [layer.inputSize + layer.units, 4 * layer.units]);
      layer.input = new Float32Array(layer.inputSize + layer.units); // [x, h], reused every step
      dispose([layer.kernel, layer.recurrentKernel]); // copied into `stacked`
      layer.kernel = layer.recurrentKernel = null;
    }
  }

  // Zero (h, c) for every LSTM layer, batch 1. The state lives in JS arrays, not tensors: a step
  // leaves nothing on the backend to dispose.
  zeroState() {
    return this.stack.lstms.map(({ units }) => ({ h: new Float32Array(units), c: new Float32Array(units) }));
  }

  // One token through the stack, updating `state` in place. Returns the logits (pre-softmax
  // scores) for the next token as a fresh Float32Array the caller owns.
  // Why the gates are computed in JS: at batch 1 a layer's step is a dozen tiny element-wise ops,
  // and on wasm each op's dispatch costs more than its arithmetic (2,048 values for 512 units).
  // Here the backend does only what it is good at, the matMuls that read the weights: one per
  // layer. With this, a 3 x LSTM(512) step went from ~3.9 to ~2 ms a token (`make bench`).
  step(tokenId, state) {
    const { lstms, dense } = this.stack;
    let x = null;
    lstms.forEach((layer, i) => {
      const { h, c } = state[i];
      const u = layer.units;
      let z;
      if (i === 0) {
        z = matMulRow(h, layer.recurrentKernel, null, 'linear');
        const row = this.firstInputRows.subarray(tokenId * 4 * u, (tokenId + 1) * 4 * u);
        for (let k = 0; k < 4 * u; k++) z[k] += row[k];
      } else {
        layer.input.set(x, 0);
        layer.input.set(h, layer.inputSize);
        z = matMulRow(layer.input, layer.stacked, layer.bias, 'linear');
      }
      // Keras gate order: i, f, c (candidate), o.
      for (let k = 0; k < u; k++) {
        const cNext = sigmoid(z[u + k]) * c[k] + sigmoid(z[k]) * tanh(z[2 * u + k]);
        c[k] = cNext;
        h[k] = sigmoid(z[3 * u + k]) * tanh(cNext);
      }
      x = h; // dropout is the identity at inference
    });
    for (const layer of dense) {
      // The final softmax is left to the sampler, which works on logits.
      const activation = layer.activation === 'softmax' ? 'linear' : layer.activation;
      x = activation === 'tanh'
        ? matMulRow(x, layer.kernel, layer.bias, 'linear').map(tanh)
        : matMulRow(x, layer.kernel, layer.bias, activation);
    }
    return x; // a fresh array: `dense` is never empty (readStack)
  }

  // Frees the weights on the backend.
  dispose() {
    disposeStack(this.stack);
  }

  // Runs one token, updating holder.state; returns the next-token logits as a Float32Array.
  advance(tokenId, holder) {
    return this.step(tokenId, holder.state);
  }

  // Generates `length` new tokens, mirroring builder/generate.py so the build's judgement of the
  // default settings holds for the page:
  // - primer: token strings fed first to warm up the state, not part of the result. Default: "<s>"
  //   when the vocabulary has it (timed encoding); else one token drawn by the seeded PRNG (the
  //   article starts from a random slice of the corpus, which the page does not have).
  // - "<s>" is never sampled; when the model ends a piece ("</s>") the next input is "<s>", and
  //   neither frame token is part of the solo, so a solo never stops early.
  // hooks.onToken(token, index) streams each token as soon as it is drawn; hooks.tick(), awaited
  // after every token, lets the caller yield to its event loop and cancel (by throwing).
  async generate(options = {}, hooks = {}) {
    const settings = { ...this.defaults, ...stripUndefined(options) };
    const length = clampInt(settings.length, ...GENERATION_RANGES.length);
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
      for (const id of primerIds) logits = this.advance(id, holder);
      for (let steps = 0; tokens.length < length && steps < maxSteps; steps++) {
        if (startId !== null) logits[startId] = -Infinity;
        const id = sampleIndex(logits, sampling, rng);
        if (id === endId) {
          logits = this.advance(startId ?? endId, holder);
          continue;
        }
        tokens.push(this.vocab[id]);
        hooks.onToken?.(this.vocab[id], tokens.length - 1);
        if (hooks.tick) await hooks.tick();
        if (tokens.length < length) logits = this.advance(id, holder);
      }
    } finally {
      holder.state = null;
    }
    return { tokens, seed, settings: { ...sampling, length, seed } };
  }

  // Writes a lead sheet (the "leadsheet" encoding) under the grammar of ai/grammar.js, mirroring
  // builder/grammar.py so the same model, seed and options give the same tokens there:
  // - options: bars, meter ("4/4"), changes ([{step, token}]: FOLLOW mode, the chord tokens forced
  //   at their steps; null: FREE mode, the model writes its chords), seed, temperature, topK, topP,
  //   chordToneBias (added to the logits of chord tones on strong beats), prefix (tokens written
  //   first, after "<s>", each checked by the grammar: a motif to restate, a chord to open on),
  //   shaping (false: without ai/shaping.js's phrase preferences), copyGuard (false: without the
  //   model's guard against copying a lead sheet, ai/copyguard.js).
  // - Every token, forced or drawn, goes through the LSTM, so the state always holds the whole
  //   piece; a drawn token costs what generate()'s do (one step, one draw among the allowed ones).
  // hooks as generate()'s. Returns {tokens (from "<s>" to "</s>"), seed, settings}.
  async compose(options = {}, hooks = {}) {
    const settings = { ...this.defaults, ...stripUndefined(options) };
    const bars = clampInt(settings.bars ?? 8, ...GENERATION_RANGES.bars);
    const meter = String(settings.meter ?? '4/4');
    const [beats, unit] = meter.split('/').map(Number);
    const barLength = sixteenthsPerBar(beats, unit);
    const seed = seedToUint32(settings.seed);
    const rng = mulberry32(seed);
    const sampling = {
      temperature: Number(settings.temperature),
      topK: clampInt(settings.topK ?? 0, 0, this.vocab.length),
      topP: Number(settings.topP ?? 1),
    };
    const chordToneBias = Number.isFinite(Number(settings.chordToneBias)) ? Number(settings.chordToneBias) : CHORD_TONE_BIAS;
    this.leadSheet ??= classifyVocab(this.vocab);
    const grammar = new LeadSheetGrammar(this.leadSheet, {
      bars,
      meter,
      barLength,
      changes: Array.isArray(settings.changes) ? settings.changes : null,
      chordToneBias,
      chordPitchClasses: (token) => this.#chordTones(token),
    });
    const prefix = Array.isArray(settings.prefix) ? settings.prefix.map((token) => this.#tokenId(token)) : [];
    const shaping = {
      shaper: settings.shaping === false ? null : new Shaper(this.leadSheet),
      guard: this.copyGuard && settings.copyGuard !== false ? new CopyGuard(this.copyGuard, this.leadSheet) : null,
    };
    const holder = { state: this.zeroState() };
    const tokens = [];
    try {
      let logits = null; // the first token, "<s>", is forced
      while (!grammar.done) {
        const given = tokens.length >= 1 && tokens.length <= prefix.length ? prefix[tokens.length - 1] : undefined;
        const id = given ?? chooseToken(shapeStep(grammar.next(), grammar, shaping), logits, sampling, rng);
        shaping.shaper?.take(grammar, id);
        shaping.guard?.take(id);
        grammar.accept(id);
        tokens.push(this.vocab[id]);
        hooks.onToken?.(this.vocab[id], tokens.length - 1);
        if (hooks.tick) await hooks.tick();
        if (!grammar.done) logits = this.advance(id, holder);
      }
    } finally {
      holder.state = null;
    }
    return { tokens, seed, settings: { ...sampling, bars, meter, seed, chordToneBias, ...(prefix.length ? { prefix: prefix.length } : {}) } };
  }

  #tokenId(token) {
    if (!this.index.has(token)) throw new Error(`prefix token "${token}" is not in the vocabulary`);
    return this.index.get(token);
  }

  #chordTones(token) {
    if (!this.chordTones.has(token)) {
      const parsed = parseChordToken(token);
      this.chordTones.set(token, parsed && parsed[0] !== null ? familyPitchClasses(parsed[0], parsed[1]) : []);
    }
    return this.chordTones.get(token);
  }
}

function sigmoid(v) {
  return 1 / (1 + Math.exp(-v));
}

// tanh from one exp of a non-positive number (never overflows): half the cost of Math.tanh in V8,
// which matters at 3 x 512 units x 2 calls a token.
function tanh(v) {
  const e = Math.exp(-2 * Math.abs(v));
  const t = (1 - e) / (1 + e);
  return v < 0 ? -t : t;
}

function stripUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

function clampInt(value, min, max) {
  const n = Math.trunc(Number(value));
  if (!Number.isFinite(n)) return min;
  return Math.min(max, Math.max(min, n));
}

// modelUrl: absolute URL of model.json; wasmPath: see backend.js's initBackend. The backend starts
// while the weights download.
export async function loadSoloModel(meta, { modelUrl, wasmPath }) {
  const [{ backend, notes }, files] = await Promise.all([initBackend(wasmPath), fetchModel(modelUrl)]);
  const stack = readStack(files, modelUrl);
  try {
    return { solo: new SoloModel(stack, meta), backend, notes };
  } catch (err) {
    disposeStack(stack);
    throw err;
  }
}
