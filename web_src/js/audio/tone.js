// Tone.js, fetched on demand: about 270 KB of script, and importing it makes an audio context. A
// page that only opens should not pay for either, so Tone.js is split out of app.js and loaded at
// the first sign of a listener (or the first call that makes sound). The audio modules import
// `Tone` from here: a live binding, null until loadTone() has resolved, then Tone.js's module.
// Nothing may call into it before that; the page's API (api.js) awaits loadTone() first.

export let Tone = null;
let loading = null;

// Tone's look-ahead: its scheduler works this far ahead of the audio clock, and Tone.now(), where the
// first play() starts the Transport, is the clock plus it. Until that start it is FIRST_LOOK_AHEAD,
// so the first note sounds ~70 ms sooner after Play; fullLookAhead() then puts Tone's default back at
// once (a longer look-ahead only widens the scheduler's next window: nothing is lost or doubled), and
// the music plays on with the full margin against a busy main thread.
const FIRST_LOOK_AHEAD = 0.03;
const LOOK_AHEAD = 0.1;

export function fullLookAhead() {
  const context = Tone?.getContext();
  if (context && context.lookAhead !== LOOK_AHEAD) context.lookAhead = LOOK_AHEAD;
}

export function loadTone() {
  // signals.js patches one of Tone.js's classes as it loads (it lets disposed signals go).
  // A failed fetch (the network dropped, or the page is being left mid-download) is not kept: the
  // next call fetches again.
  loading ??= Promise.all([import('tone'), import('./signals.js')]).then(
    ([module]) => {
      Tone = module;
      if (module.getContext().lookAhead === LOOK_AHEAD) module.getContext().lookAhead = FIRST_LOOK_AHEAD;
      return module;
    },
    (err) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}
