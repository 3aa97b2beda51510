// A "timed" model's tokens -> note events on the sixteenth grid. "E4:2", "0.4.7:4", "r:3" carry
// their length in sixteenths; "<s>"/"</s>" frame pieces. Events come out in the same shape as a
// song part's events, so the player treats a generated solo exactly like a written song.

import { derivedRng } from './sampling.js';
import { midiToNote, parseToken } from '../music/pitch.js';
import { sixteenthsToTransport } from '../music/time.js';

const VELOCITY_SALT = 0x52687974; // "Rhyt": the velocities' stream, apart from the sampling stream

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
export function createDecoder({ seed = 1, quartersPerBar = 4 } = {}) {
  const rng = derivedRng(seed, VELOCITY_SALT);
  const decoder = {
    events: [],
    skipped: [],
    steps: 0, // the solo's length so far, in sixteenths
    push(token) {
      const { base, length } = splitToken(token);
      if (FRAME_TOKENS.has(base)) return null;
      // Drawn for every token, rests included, so one token's kind never shifts the velocities of
      // the tokens after it.
      const velocity = 0.6 + 0.25 * rng(); // a little human unevenness
      const parsed = length === null ? null : parseToken(base);
      if (!parsed) {
        decoder.skipped.push(token); // a token we cannot play: skip it rather than fail the solo
        return null;
      }
      if (parsed.kind === 'rest') {
        if (decoder.events.length) decoder.steps += length;
        return null;
      }
      const steps = length;
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
