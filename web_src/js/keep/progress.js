// One progress bar for a WAV download made of three kinds of work, each with its share of the bar
// in proportion to the time it takes: Tone.js scheduling the events (its offline clock, run in
// JavaScript), the browser rendering the audio (the OfflineAudioContext, followed at suspensions),
// and finishing the file (loudness, limiting, the fade, the WAV bytes). Measured on "First Light"
// (42.7 s of audio at 90 bpm, and 16 s at 240) in headless Chromium on a busy 2-core machine:
// scheduling 4-15 % of the time, the render 80-91 %, finishing 5-7 %. (The bar used to give the
// scheduling 90 % and then stand still through the render.)

export const PHASES = ['schedule', 'render', 'finish'];
export const SHARES = { schedule: 0.08, render: 0.86, finish: 0.06 };

// report(phase, fraction of that phase done) -> onProgress(fraction of the whole): it never goes
// back (a phase reported late, or twice, leaves the bar where it is), and reaches 1 only when the
// last phase is whole. An unknown phase is a mistake in the caller: it throws, in one line.
export function createProgress(onProgress, shares = SHARES) {
  const total = PHASES.reduce((sum, phase) => sum + shares[phase], 0);
  const start = {};
  let before = 0;
  for (const phase of PHASES) {
    start[phase] = before / total;
    before += shares[phase];
  }
  let shown = 0;
  return {
    report(phase, fraction) {
      if (!(phase in start)) throw new Error(`unknown render phase "${phase}" (one of ${PHASES.join(', ')})`);
      const within = Math.min(1, Math.max(0, Number(fraction) || 0));
      const value = start[phase] + (within * shares[phase]) / total;
      if (value <= shown) return shown;
      shown = Math.min(1, value);
      onProgress?.(shown);
      return shown;
    },
    get value() {
      return shown;
    },
  };
}
