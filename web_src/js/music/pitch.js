// Pitch spelling helpers. Tokens and song notes come from music21 (flats written "B-2"),
// while Tone.js wants "Bb2"; going through MIDI numbers accepts both and lets us reject junk.
// Note names are read and written by music/theory.js (the one home of the vocabulary).

import { midiToNoteName, noteNameToMidi } from './theory.js';

// Chord roots are voiced with their lowest note in G3..F#4, i.e. around middle C.
const CHORD_FLOOR = 55;

// "E4", "F#3", "B-2", "Bb2", "E--4" -> MIDI number, or null if it is not a note name (or not MIDI).
export const noteToMidi = noteNameToMidi;

// 61 -> "C#4" (sharps: Tone reads either spelling).
export function midiToNote(midi) {
  return midiToNoteName(midi);
}

// "0.4.7" (normal order of pitch classes, as the seed article encodes chords) -> MIDI numbers,
// stacked upwards from a first note near middle C so every chord sits in the same register; null
// when they would climb past MIDI's 127 (pitch classes in no order, "11.10.9...": no instrument
// plays those notes).
export function chordToMidis(token) {
  const pcs = token.split('.').map(Number);
  if (pcs.some((pc) => !Number.isInteger(pc) || pc < 0 || pc > 11)) return null;
  const midis = [];
  let previous = -Infinity;
  for (const pc of pcs) {
    let midi = midis.length === 0 ? CHORD_FLOOR + ((pc - CHORD_FLOOR % 12 + 12) % 12) : previous + 1;
    while (midi % 12 !== pc) midi++;
    if (midi > 127) return null;
    midis.push(midi);
    previous = midi;
  }
  return midis;
}

// A model token -> {kind: "rest"|"note"|"chord", midis}, or null for a token we cannot play
// (anything that is not a MIDI note, 0..127, is not played: "C16" would be 204).
export function parseToken(token) {
  const text = String(token);
  if (text.toLowerCase() === 'r') return { kind: 'rest', midis: [] };
  if (/^\d{1,2}(\.\d{1,2})*$/.test(text)) {
    const midis = chordToMidis(text);
    return midis ? { kind: 'chord', midis } : null;
  }
  const midi = noteToMidi(text);
  return midi === null ? null : { kind: 'note', midis: [midi] };
}
