// Swing, as the drum patterns play it (drums.js): the off-beat sixteenths fall late by `swing`
// (0..1, from the pattern's TOML) of a third of a sixteenth, so 1 is a triplet feel. The AI track's
// melody, chords and bass use the same offsets, so they swing with the drums.

import { SIXTEENTHS_PER_QUARTER, TONE_PPQ } from '../music/time.js';

export const SIXTEENTH_TICKS = TONE_PPQ / SIXTEENTHS_PER_QUARTER;

// How late an off-beat sixteenth falls, in Tone ticks (192 a quarter).
export function swingTicks(swing) {
  const amount = Math.min(1, Math.max(0, Number(swing) || 0));
  return Math.round(amount * (SIXTEENTH_TICKS / 3));
}

// The delay, in ticks, of an event that starts `step` sixteenths into the piece: only the odd
// sixteenths move (bars are whole beats long, so the piece's steps and the bar's agree).
export function swingOffsetTicks(step, swing) {
  return step % 2 === 1 ? swingTicks(swing) : 0;
}
