// The groove, defined once for every part of everything the player plays (songs, the AI track, the
// station; melody, chords, bass and drums): each event's time in integer ticks from its integer
// sixteenth, swung the MPC way, and a light seeded humanisation. builder/groove.py is the same code
// for the report's renderer (tests/test_groove_parity.py); the constants are theory.json's "groove".
//
// Swing is a percentage: the off-beat eighth falls at `swing` percent of its quarter (50 is
// straight, 66.67 a triplet feel) and the off-beat sixteenths halfway into their swung eighths,
// which is where an MPC's 16th swing of the same percentage puts them. So hats on the sixteenths,
// a melody on the eighths and chords pushed onto an "and" are all late by the same ratio.

import theory from '../music/theory.json' with { type: 'json' };
import { SIXTEENTHS_PER_QUARTER, TONE_PPQ } from '../music/time.js';

const GROOVE = theory.groove;
export const SIXTEENTH_TICKS = TONE_PPQ / SIXTEENTHS_PER_QUARTER;
export const STRAIGHT = GROOVE.swing.straight;
export const MAX_SWING = GROOVE.swing.max;
export const DEFAULT_SWING = GROOVE.swing.default;
export const HUMANISE = GROOVE.humanise;

// A swing setting as a percentage in [STRAIGHT, MAX_SWING]: anything under straight (0, null, a
// missing value) is straight.
export function swingPercent(swing) {
  const value = Number(swing);
  if (!Number.isFinite(value) || value <= STRAIGHT) return STRAIGHT;
  return Math.min(MAX_SWING, value);
}

// How late, in ticks, an event `step` sixteenths from the start falls (bars are whole quarters, so
// the piece's steps and the bar's agree): the off-beat eighth by (swing - 50)% of a quarter, the
// off-beat sixteenths by half that, the beats not at all.
export function swingOffsetTicks(step, swing) {
  const late = (swingPercent(swing) - STRAIGHT) / 100;
  const within = ((step % SIXTEENTHS_PER_QUARTER) + SIXTEENTHS_PER_QUARTER) % SIXTEENTHS_PER_QUARTER;
  if (within === 0) return 0;
  const ticks = within === SIXTEENTHS_PER_QUARTER / 2 ? late * TONE_PPQ : (late * TONE_PPQ) / 2;
  return Math.floor(ticks + 0.5);
}

// The event's time in Tone ticks: its place on the grid and its swing.
export function swungTicks(step, swing) {
  return step * SIXTEENTH_TICKS + swingOffsetTicks(step, swing);
}

// A 32-bit hash of whole numbers (FNV-1a steps with a murmur finaliser): the same in Python.
export function hash32(numbers) {
  let h = 2166136261;
  for (const n of numbers) {
    h = Math.imul((h ^ n) >>> 0, 16777619) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0x5bd1e995) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
  }
  return h;
}

// A seed for a name (a song's id): the hash of its character codes.
export function seedOf(text) {
  return hash32([...String(text)].map((c) => c.codePointAt(0)));
}

// The humanisation of the note at `step` of `voice` (a part's role or a drum lane): {seconds,
// velocity}, each within +/- HUMANISE's, the same for the same seed, voice and step.
export function humanise(seed, voice, step) {
  const key = [seed >>> 0, step >>> 0, ...[...String(voice)].map((c) => c.codePointAt(0))];
  const unit = (salt) => (hash32([...key, salt]) / 2 ** 32) * 2 - 1;
  return { seconds: unit(0) * HUMANISE.seconds, velocity: unit(1) * HUMANISE.velocity };
}

// A velocity nudged by `humanised` (humanise()), kept within (0, 1].
export function humanVelocity(velocity, humanised) {
  return Math.min(1, Math.max(0.05, velocity + humanised.velocity));
}
