// The generation Web Worker, bundled by the builder into dist/assets/worker.js (a classic worker
// script, loaded from its own file so the page's CSP needs no blob: or eval for it). TensorFlow.js
// runs here, so the LSTM never holds up the page's main thread, where Tone.js schedules the music.
//
// Protocol (see worker_client.js, the page's side): the page posts {id, type, ...}; the worker answers
// {id, type: "result", value} or {id, type: "error", message}, and while a "generate" job runs it
// streams its tokens as {id, type: "tokens", tokens, start}: the first token alone, at once, then
// whatever was drawn since the last message each time the job yields (every ~8 ms). One message
// per token cost ~0.3 ms a token, more than a tenth of a 3 x LSTM(512) step.
//   load      {meta, modelUrl, wasmPath, files} -> {backend, notes, vocabSize} (files: the model's,
//                                           fetched by the page, or null)
//   generate  {options}                  -> {tokens, seed, settings, ms}
//   compose   {options}                  -> {tokens, seed, settings, ms}: a lead sheet (lstm.js
//                                           compose), its tokens streamed the same way
//   cancel    {target}                   -> stops job `target` (it rejects with "cancelled")
//   tensors                              -> tf.memory().numTensors
// Jobs that use the model run one at a time, in order of arrival.

import { provideWasm, tensorCount } from './backend.js';
import { GuardFile } from './copyguard.js';
import { loadSoloModel } from './lstm.js';
import { provideModel } from './weights.js';

let solo = null;
let loadPromise = null;
let guardFile = null; // the copy guard's hashes, fetched when a composition first needs them
let chain = Promise.resolve(); // model jobs, one at a time
const pending = new Set(); // ids of generate/compose jobs not finished yet
const cancelled = new Set();

class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

// Yields to the worker's event loop (so "cancel" messages are read) without setTimeout's clamping.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
function yieldToEvents() {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

function reply(id, type, payload = {}) {
  self.postMessage({ id, type, ...payload });
}

function enqueue(id, job) {
  const run = chain.then(() => {
    if (cancelled.has(id)) throw new Cancelled();
    return job();
  });
  chain = run.catch(() => {});
  return run;
}

// files: {model, wasm} as the page fetched them (model_files.js fetchAll), or null: fetched here.
async function load({ meta, modelUrl, wasmPath, files = null }) {
  if (!loadPromise && files) {
    provideModel(modelUrl, files.model);
    if (files.wasm) provideWasm(files.wasm);
  }
  loadPromise ??= loadSoloModel(meta, { modelUrl, wasmPath }).catch((err) => {
    loadPromise = null; // a failure can be retried
    throw err;
  });
  const loaded = await loadPromise;
  solo = loaded.solo;
  if (meta.copyGuard?.url && !guardFile) {
    guardFile = new GuardFile(meta.copyGuard, modelUrl);
    solo.copyGuard = guardFile.guard;
  }
  return { backend: loaded.backend, notes: loaded.notes, vocabSize: solo.vocab.length };
}

// Runs SoloModel.generate or .compose (`method`), streaming its tokens.
async function generate(id, options, method = 'generate') {
  if (!solo) throw new Error('the model is not loaded');
  const started = performance.now();
  let lastYield = started;
  let batch = [];
  let batchStart = 0;
  let written = 0;
  const guarded = method === 'compose' && options.copyGuard !== false;
  const flush = () => {
    if (batch.length) reply(id, 'tokens', { tokens: batch, start: batchStart });
    batchStart += batch.length;
    batch = [];
  };
  const result = await solo[method](options, {
    onToken: (token, index) => {
      written = index + 1;
      batch.push(token);
      if (index === 0) flush(); // the player can start on the first note
    },
    tick: async () => {
      if (guarded && guardFile?.wanted(written)) await guardFile.load();
      // Every few milliseconds, send what was drawn and read pending messages: a "cancel" must be
      // able to stop us.
      if (performance.now() - lastYield < 8) return;
      flush();
      await yieldToEvents();
      lastYield = performance.now();
      if (cancelled.has(id)) throw new Cancelled();
    },
  });
  flush();
  return { ...result, ms: performance.now() - started };
}

self.onmessage = async (event) => {
  const { id, type } = event.data || {};
  const isJob = type === 'generate' || type === 'compose';
  if (isJob) pending.add(id);
  try {
    let value;
    switch (type) {
      case 'load':
        value = await load(event.data);
        break;
      case 'generate':
        value = await enqueue(id, () => generate(id, event.data.options || {}));
        break;
      case 'compose':
        value = await enqueue(id, () => generate(id, event.data.options || {}, 'compose'));
        break;
      case 'cancel':
        if (pending.has(event.data.target)) cancelled.add(event.data.target);
        value = true;
        break;
      case 'tensors':
        // Counted between jobs, when every per-generation tensor should be gone.
        value = await enqueue(id, () => tensorCount());
        break;
      default:
        throw new Error(`unknown message type ${type}`);
    }
    reply(id, 'result', { value });
  } catch (err) {
    reply(id, 'error', { message: err?.message ?? String(err), cancelled: err instanceof Cancelled });
  } finally {
    if (isJob) {
      pending.delete(id);
      cancelled.delete(id);
    }
  }
};
