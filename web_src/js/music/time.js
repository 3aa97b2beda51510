// Time and meter, defined once: the sixteenth grid, Tone's and MIDI's ticks (PPQ from theory.json),
// TransportTime "BARS:QUARTERS:SIXTEENTHS" strings and the strong beats of a bar. Events carry
// integer sixteenths; these turn them into ticks or strings at the edges. builder/theory.py holds
// the same functions (tests/test_theory_parity.py, through music/theory.js).

import theory from './theory.json' with { type: 'json' };

const TIME = theory.time;
const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

export const SIXTEENTHS_PER_QUARTER = TIME.sixteenthsPerQuarter;
export const TONE_PPQ = TIME.tonePpq;
export const MIDI_PPQ = TIME.midiPpq;

// ---- time --------------------------------------------------------------------------------------

const TRANSPORT = /^([0-9]+):([0-9]+):([0-9]+(?:\.[0-9]+)?)$/;
// Throws unless `value` is a whole number >= 0 (a position or a length in sixteenths).
export function checkCount(value, what) {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a whole number >= 0, got ${value}`);
}

// 12 for 3/4 and 6/8, 16 for 4/4. Throws when a bar is not whole sixteenths.
export function sixteenthsPerBar(numerator, denominator) {
  if (!Number.isInteger(numerator) || numerator <= 0 || !TIME.denominators.includes(denominator)) {
    throw new RangeError(`unsupported time signature ${numerator}/${denominator}`);
  }
  return Math.floor((numerator * 16) / denominator);
}

// Sixteenths from the start -> Tone.js TransportTime "BARS:QUARTERS:SIXTEENTHS" (Tone counts a bar
// in quarters, so a 6/8 bar is three of them and "1:0:0" is where bar 2 begins).
export function sixteenthsToTransport(sixteenths, perBar) {
  checkCount(sixteenths, 'a position');
  const bars = Math.floor(sixteenths / perBar);
  const within = sixteenths - bars * perBar;
  return `${bars}:${Math.floor(within / SIXTEENTHS_PER_QUARTER)}:${within % SIXTEENTHS_PER_QUARTER}`;
}

// "B:Q:S" -> sixteenths from the start; S may be fractional (a swung note). Throws otherwise.
export function transportToSixteenths(text, perBar) {
  const match = typeof text === 'string' ? TRANSPORT.exec(text) : null;
  if (!match) throw new Error(`not a TransportTime "BARS:QUARTERS:SIXTEENTHS": ${text}`);
  return Number(match[1]) * perBar + Number(match[2]) * SIXTEENTHS_PER_QUARTER + Number(match[3]);
}

// Sixteenths -> ticks at `ppq` ticks a quarter, rounded half up.
export function sixteenthsToTicks(sixteenths, ppq = TONE_PPQ) {
  return Math.floor((sixteenths * ppq) / SIXTEENTHS_PER_QUARTER + 0.5);
}

export function transportToTicks(text, perBar, ppq = TONE_PPQ) {
  return sixteenthsToTicks(transportToSixteenths(text, perBar), ppq);
}

// A meter's bar in quarter notes, as Tone counts it: [4, 4] -> 4, [6, 8] -> 3.
export function quartersPerBar([beats, unit] = [4, 4]) {
  return (beats * 4) / unit;
}

// "8m" (bars) or "B:Q:S" -> ticks at `ppq`, for a bar of `qpb` quarters. The player converts every
// time it puts on the Transport with this and the song's own meter: Tone would use the Transport's
// meter of the moment, which is the old song's while a new one waits for its first bar.
export function timeToTicks(time, qpb, ppq = TONE_PPQ) {
  const text = String(time);
  const bars = /^(\d+(?:\.\d+)?)m$/.exec(text);
  if (bars) return Math.round(Number(bars[1]) * qpb * ppq);
  return transportToTicks(text, qpb * SIXTEENTHS_PER_QUARTER, ppq);
}

// A musician's place, 1-based: "bar 3, beat 2.5" (beats are quarter notes).
export function describePosition(sixteenths, perBar) {
  const bar = Math.floor(sixteenths / perBar);
  const within = sixteenths - bar * perBar;
  return `bar ${bar + 1}, beat ${1 + within / SIXTEENTHS_PER_QUARTER}`;
}

// Strong-beat positions in sixteenths from the bar start: [0, 8] in 4/4, [0] in 3/4.
export function strongBeats(numerator = 4, denominator = 4) {
  const key = `${numerator}/${denominator}`;
  return [...(has(theory.leadsheet.strongBeats, key) ? theory.leadsheet.strongBeats[key] : [0])];
}

export function isStrongBeat(position, numerator = 4, denominator = 4) {
  return strongBeats(numerator, denominator).includes(position);
}
