// The player's media: media.json (written by builder/media.py) and a cache of decoded audio buffers.
// Buffers are fetched lazily, the first time a layer needs them, and shared by the live player and
// the offline renderer (an AudioBuffer is not tied to the context that decoded it).

import { Tone } from './tone.js';
import { fetchJson, siteUrl } from '../urls.js';

export const DEFAULT_LOOPS = { drums: '8m', ambience: '12m', solo: '30m', quoteAt: '4:0:0' };

const EMPTY = { loops: DEFAULT_LOOPS, drums: [], ambience: [], quotes: [], instruments: {}, vinyl: null };

export async function loadManifest() {
  const manifest = await fetchJson('media.json');
  return {
    ...EMPTY,
    ...manifest,
    loops: { ...DEFAULT_LOOPS, ...(manifest.loops || {}) },
  };
}

export function emptyManifest() {
  return { ...EMPTY };
}

const buffers = new Map(); // url -> Promise<Tone.ToneAudioBuffer>

// Resolves to a loaded ToneAudioBuffer, or rejects with a message naming the file.
export function loadBuffer(url) {
  if (!buffers.has(url)) {
    const promise = (async () => {
      let response;
      try {
        response = await fetch(siteUrl(url));
      } catch (err) {
        throw new Error(`could not fetch ${url} (${err.message})`, { cause: err });
      }
      if (!response.ok) throw new Error(`could not fetch ${url} (HTTP ${response.status})`);
      const bytes = await response.arrayBuffer();
      try {
        const audio = await Tone.getContext().decodeAudioData(bytes);
        return new Tone.ToneAudioBuffer(audio);
      } catch (err) {
        throw new Error(`could not decode ${url} (${err?.message || 'unsupported audio'})`, { cause: err });
      }
    })();
    promise.catch(() => buffers.delete(url)); // a later attempt may succeed (a flaky network)
    buffers.set(url, promise);
  }
  return buffers.get(url);
}

// Loads several buffers; resolves to {buffers: {key: buffer}, errors: [message]}.
export async function loadBuffers(urlsByKey) {
  const entries = Object.entries(urlsByKey);
  const results = await Promise.allSettled(entries.map(([, url]) => loadBuffer(url)));
  const out = {};
  const errors = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') out[entries[i][0]] = result.value;
    else errors.push(result.reason.message);
  });
  return { buffers: out, errors };
}
