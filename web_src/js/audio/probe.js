// The page's one opening for tests. They load assets/debug.js (web_src/js/debug/, never loaded by
// index.html) before the page's own script; it sets globalThis.lofiProbe, which counts the audio
// nodes the page makes and disposes and adds its hooks to window.lofi. A listener's page has no
// probe, and these do nothing.

import { Tone } from './tone.js';

// Reports `node` (anything with dispose()) under `kind`; returns it.
export function count(kind, node) {
  return globalThis.lofiProbe?.count(kind, node) ?? node;
}

// Hands window.lofi and the page's Tone.js clock to the probe.
export function expose(lofi) {
  // Tone.js loads on demand: the probe reads its clock through these once it has.
  globalThis.lofiProbe?.expose({ lofi, tone: { getTransport: () => Tone.getTransport(), getDraw: () => Tone.getDraw(), getDestination: () => Tone.getDestination() } });
}
