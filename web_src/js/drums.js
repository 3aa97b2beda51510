// A lo-fi boom-bap loop as Tone.Part events ("B:Q:S" times). Written on a sixteenth grid per bar:
// kick on 1 and the "and" of 3 with a lazy pickup, snare on the back beats, soft eighth-note hats.
// The last bar of the loop adds a small fill so the loop boundary is audible but not jarring.

import { stepsToTime } from './decode.js';

const FOUR_FOUR = {
  kick: [[0, 1], [7, 0.55], [10, 0.9]],
  kickAlt: [[0, 1], [10, 0.9], [11, 0.5]],
  snare: [[4, 0.8], [12, 0.85]],
  fill: [[4, 0.8], [12, 0.85], [14, 0.35], [15, 0.5]],
};

function barHits(bar, bars, stepsPerBar) {
  const last = bar === bars - 1;
  const hits = [];
  if (stepsPerBar === 16) {
    const kicks = bar % 2 === 0 ? FOUR_FOUR.kick : FOUR_FOUR.kickAlt;
    kicks.forEach(([s, v]) => hits.push(['kick', s, v]));
    (last ? FOUR_FOUR.fill : FOUR_FOUR.snare).forEach(([s, v]) => hits.push(['snare', s, v]));
  } else {
    // Other meters (3/4, 6/8 = three quarters in Tone): kick on 1, snare half-way through.
    hits.push(['kick', 0, 1], ['snare', Math.floor(stepsPerBar / 2 / 2) * 2, 0.8]);
  }
  for (let s = 0; s < stepsPerBar; s += 2) hits.push(['hat', s, s % 4 === 0 ? 0.55 : 0.35]);
  return hits;
}

// quartersPerBar: Tone's bar length in quarters (4 in 4/4, 3 in 3/4 and 6/8).
export function drumPattern(bars, quartersPerBar = 4) {
  const stepsPerBar = Math.round(quartersPerBar * 4);
  const events = [];
  for (let bar = 0; bar < bars; bar++) {
    for (const [drum, step, velocity] of barHits(bar, bars, stepsPerBar)) {
      events.push({ time: stepsToTime(bar * stepsPerBar + step, quartersPerBar), drum, velocity });
    }
  }
  return events;
}
