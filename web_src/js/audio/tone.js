// Tone.js, fetched on demand: about 270 KB of script, and importing it makes an audio context. A
// page that only opens should not pay for either, so Tone.js is split out of app.js and loaded at
// the first sign of a listener (or the first call that makes sound). The audio modules import
// `Tone` from here: a live binding, null until loadTone() has resolved, then Tone.js's module.
// Nothing may call into it before that; the page's API (api.js) awaits loadTone() first.

export let Tone = null;
let loading = null;

export function loadTone() {
  // signals.js patches one of Tone.js's classes as it loads (it lets disposed signals go).
  // A failed fetch (the network dropped, or the page is being left mid-download) is not kept: the
  // next call fetches again.
  loading ??= Promise.all([import('tone'), import('./signals.js')]).then(
    ([module]) => {
      Tone = module;
      return module;
    },
    (err) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}
