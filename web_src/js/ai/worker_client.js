// The page's side of the generation worker (worker.js): requests with ids, promises for answers,
// and a token stream per generation. TensorFlow.js is never loaded on the main thread.

import { fetchJson, siteUrl } from '../urls.js';
import { fetchAll } from './model_files.js';

// Reads generation.json only: cheap, and enough to show defaults and know the AI layer exists.
export async function loadGenerationMeta() {
  const meta = await fetchJson('model/generation.json');
  if (!Array.isArray(meta.vocab) || meta.vocab.length === 0) throw new Error('generation.json has no vocab');
  return meta;
}

export class WorkerGenerator {
  // workerUrl/modelUrl/wasmPath default to the site's own files, resolved against the page.
  constructor({ workerUrl = siteUrl('assets/worker.js') } = {}) {
    this.kind = 'worker';
    this.nextId = 1;
    this.requests = new Map(); // id -> {resolve, reject, onToken}
    this.broken = null;
    // A classic worker from its own file: works under `worker-src 'self'`, no blob: or eval.
    this.worker = new Worker(workerUrl, { name: 'lofi-generator' });
    this.worker.onmessage = (event) => this.#receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      this.#fail(new Error(`the generation worker failed: ${event.message || 'could not load assets/worker.js'}`));
    };
  }

  #fail(error) {
    this.broken = error;
    for (const request of this.requests.values()) request.reject(error);
    this.requests.clear();
  }

  #receive(message) {
    const request = this.requests.get(message.id);
    if (!request) return;
    if (message.type === 'tokens') {
      message.tokens.forEach((token, i) => request.onToken?.(token, message.start + i));
      return;
    }
    this.requests.delete(message.id);
    if (message.type === 'result') request.resolve(message.value);
    else {
      const error = new Error(message.message);
      error.cancelled = Boolean(message.cancelled);
      request.reject(error);
    }
  }

  // Returns {id, promise}. transfer: ArrayBuffers handed to the worker (no copy).
  request(type, payload = {}, onToken = null, transfer = []) {
    const id = this.nextId++;
    if (this.broken) return { id, promise: Promise.reject(this.broken) };
    const promise = new Promise((resolve, reject) => this.requests.set(id, { resolve, reject, onToken }));
    this.worker.postMessage({ id, type, ...payload }, transfer);
    return { id, promise };
  }

  // The model's files (model.json, its shards, the wasm binary) are fetched here, at once, and
  // handed over: the worker's own script takes a while to arrive and start, and they would
  // otherwise only be asked for after it. Should that fail, the worker fetches them itself, and its
  // error names the file.
  async load(meta, { modelUrl = siteUrl('model/model.json'), wasmPath = siteUrl('assets/tfjs-wasm/') } = {}) {
    const files = await fetchAll(modelUrl, wasmPath, meta.weightFiles).catch(() => null);
    const transfer = files ? [...files.model.shards, ...(files.wasm ? [files.wasm] : [])] : [];
    return this.request('load', { meta, modelUrl, wasmPath, files }, null, transfer).promise;
  }

  // options: as SoloModel.generate (plain data only). onToken(token, index) streams the tokens.
  // Returns {id, promise}; cancel(id) stops it (the promise then rejects with error.cancelled).
  generate(options, onToken = null) {
    return this.request('generate', { options }, onToken);
  }

  // options: as SoloModel.compose (a lead sheet); otherwise as generate().
  compose(options, onToken = null) {
    return this.request('compose', { options }, onToken);
  }

  cancel(id) {
    if (!this.requests.has(id)) return;
    this.worker.postMessage({ id: 0, type: 'cancel', target: id });
  }

  tensorCount() {
    return this.request('tensors').promise;
  }
}
