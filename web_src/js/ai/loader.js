// The AI track's model: generation.json (read with the page: cheap, and enough to show the
// defaults and know the AI track exists) and the model itself, loaded in the generation worker on
// demand. Primers are resolved here, since they need the model's vocabulary.

import { WorkerGenerator, loadGenerationMeta } from './worker_client.js';
import { chordsToPrimer, songPrimer } from './primer.js';

export function createModelLoader({ status, catalogue, onLoaded = () => {} }) {
  let meta = null; // generation.json, once read
  let generator = null; // WorkerGenerator: the model runs in a Web Worker (ai/worker.js)
  let loaded = null; // {vocab, backend} once the worker has loaded the model
  let modelPromise = null;

  async function readMeta() {
    try {
      meta = await loadGenerationMeta();
      status.set('model', 'info', `AI model found (${meta.vocab.length} tokens); it loads in the background.`);
    } catch (err) {
      status.set('model', 'error', `AI solo unavailable: ${err.message}. Songs still work.`);
    }
  }

  // Idempotent; a failure can be retried. `ready` is the page's own loading (generation.json).
  function load(ready) {
    modelPromise ??= (async () => {
      await ready;
      if (!meta) throw new Error(status.get('model')?.text ?? 'AI solo unavailable');
      status.set('model', 'busy', 'Loading the AI model…');
      generator ??= new WorkerGenerator();
      const answer = await generator.load(meta);
      loaded = { vocab: meta.vocab, backend: answer.backend };
      // Its own status line, so a fallback (slower) backend stays visible after later messages.
      const fallback = answer.notes.length ? ` (fallback: ${answer.notes.join('; ')})` : '';
      status.set('backend', answer.notes.length ? 'warn' : 'ok', `TensorFlow.js backend: ${answer.backend}${fallback}`);
      status.set('model', 'ok', `AI model ready: ${meta.vocab.length} tokens`);
      onLoaded();
      return { vocabSize: meta.vocab.length, backend: answer.backend };
    })().catch((err) => {
      modelPromise = null; // allow a retry
      if (generator?.broken) {
        generator.worker.terminate(); // its script failed to load: a retry starts a new worker
        generator = null;
      }
      if (meta) status.set('model', 'error', `AI model failed to load: ${err.message}`);
      throw err;
    });
    return modelPromise;
  }

  function vocab() {
    if (!meta) throw new Error('AI solo unavailable');
    return meta.vocab;
  }

  // primer: token strings (an array or one space-separated string), {song, bars} for a song's
  // opening, or {chords, sixteenths} for chord symbols; resolved here into vocabulary tokens.
  async function resolvePrimer(primer) {
    if (!primer || typeof primer === 'string' || Array.isArray(primer)) return primer || undefined;
    if (primer.song) return songPrimer(await catalogue.song(primer.song), vocab(), { bars: primer.bars ?? 4 });
    if (primer.chords) return chordsToPrimer(primer.chords, vocab(), { sixteenths: primer.sixteenths ?? 16 });
    throw new Error('primer must be tokens, {song, bars} or {chords}');
  }

  return {
    readMeta,
    load,
    resolvePrimer,
    vocab,
    get meta() {
      return meta;
    },
    get generator() {
      return generator;
    },
    get loaded() {
      return loaded;
    },
    // The model's encoding: 'leadsheet' composes, the others ('timed') generate.
    isLeadSheet: () => meta?.encoding === 'leadsheet',
    encoding: () => (meta ? meta.encoding ?? 'timed' : null),
    defaults: () => (meta ? { ...(meta.defaults || {}) } : null),
    tensorCount: async () => (generator && loaded ? generator.tensorCount() : 0),
    chordsToPrimer: (chords, options = {}) => chordsToPrimer(chords, vocab(), options),
    songPrimer: async (id, { bars = 4 } = {}) => songPrimer(await catalogue.song(id), vocab(), { bars }),
  };
}
