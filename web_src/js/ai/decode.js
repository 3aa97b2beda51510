// Model tokens -> timed note events on the sixteenth grid.
// Two token encodings (generation.json "encoding"):
// - "timed": "E4:2", "0.4.7:4", "r:3" carry their length in sixteenths; "<s>"/"</s>" frame pieces.
// - "seed" (the article's): "E4", "0.4.7", "r" carry no length, so, as in the article, each note or
//   chord gets a duration drawn from a fixed distribution and a rest lasts a sixteenth.
// Events come out in the same shape as a song part's events, so the player treats a generated solo
// exactly like a written song.

import { derivedRng, weightedChoice } from './sampling.js';
import { midiToNote, parseToken } from '../music/pitch.js';
import { sixteenthsToTransport } from '../music/time.js';

// Durations in sixteenths. Keys follow generation.json's "rhythm" (the article writes "16th").
const SIXTEENTHS = { sixteenth: 1, '16th': 1, eighth: 2, quarter: 4, half: 8, whole: 16 };
const DEFAULT_RHYTHM = { eighth: 0.65, sixteenth: 0.25, quarter: 0.05, half: 0.05 };
const RHYTHM_SALT = 0x52687974; // "Rhyt": separates the rhythm stream from the sampling stream

// Sixteenth steps -> Tone.js TransportTime "BARS:QUARTERS:SIXTEENTHS" (exact, no fractions).
function stepsToTime(steps, quartersPerBar = 4) {
  return sixteenthsToTransport(steps, quartersPerBar * 4);
}

// Durations are written bar-less ("0:2:0"): Tone reads quarters past the bar length fine.
function stepsToDuration(steps) {
  return `0:${Math.floor(steps / 4)}:${steps % 4}`;
}

// "E4:2" -> {base: "E4", length: 2}; "E4" -> {base: "E4", length: null}.
export function splitToken(token) {
  const match = /^(.*):(\d+)$/.exec(String(token));
  if (!match) return { base: String(token), length: null };
  return { base: match[1], length: Math.max(1, Number(match[2])) };
}

const FRAME_TOKENS = new Set(['<s>', '</s>']);

// An incremental decoder: push(token) returns the note event it makes (or null for a rest, a frame
// token or a token it cannot play), so a solo can be played while it is still being generated.
// Rests before the first note are dropped, so a solo starts on its first beat.
export function createDecoder({ seed = 1, rhythm = DEFAULT_RHYTHM, quartersPerBar = 4 } = {}) {
  const rng = derivedRng(seed, RHYTHM_SALT);
  const weights = Object.fromEntries(
    Object.entries(rhythm || DEFAULT_RHYTHM).filter(([name]) => name in SIXTEENTHS),
  );
  const decoder = {
    events: [],
    skipped: [],
    steps: 0, // the solo's length so far, in sixteenths
    push(token) {
      const { base, length } = splitToken(token);
      if (FRAME_TOKENS.has(base)) return null;
      // Draw for every token, rests included (as the article does), so one token's kind never
      // shifts the rhythm of the tokens after it.
      const drawn = SIXTEENTHS[weightedChoice(weights, rng)];
      const velocity = 0.6 + 0.25 * rng(); // a little human unevenness
      const parsed = parseToken(base);
      if (!parsed) {
        decoder.skipped.push(token); // a token we cannot play: skip it rather than fail the solo
        return null;
      }
      if (parsed.kind === 'rest') {
        if (decoder.events.length) decoder.steps += length ?? 1;
        return null;
      }
      const steps = length ?? drawn;
      const event = {
        time: stepsToTime(decoder.steps, quartersPerBar),
        duration: stepsToDuration(steps),
        notes: parsed.midis.map(midiToNote),
        velocity: Number(velocity.toFixed(3)),
        token,
        step: decoder.steps, // start, in sixteenths from the start of the solo
        length: steps,
      };
      decoder.events.push(event);
      decoder.steps += steps;
      return event;
    },
  };
  return decoder;
}
