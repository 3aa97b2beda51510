// Pitch spelling helpers. Tokens and song notes come from music21 (flats written "B-2"),
// while Tone.js wants "Bb2"; going through MIDI numbers accepts both and lets us reject junk.

const LETTER_PC = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
const SHARP_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

// Chord roots are voiced with their lowest note in G3..F#4, i.e. around middle C.
const CHORD_FLOOR = 55;

// "E4", "F#3", "B-2", "Bb2", "E--4" -> MIDI number, or null if it is not a note name.
export function noteToMidi(name) {
  const match = /^([A-Ga-g])(#{1,2}|x|-{1,2}|b{1,2})?(\d{1,2})$/.exec(String(name).trim());
  if (!match) return null;
  const [, letter, accidental = '', octave] = match;
  let pc = LETTER_PC[letter.toUpperCase()];
  if (accidental === 'x') pc += 2;
  else if (accidental.startsWith('#')) pc += accidental.length;
  else pc -= accidental.length; // "-" (music21) and "b" are both flats
  return (Number(octave) + 1) * 12 + pc;
}

export function midiToNote(midi) {
  return `${SHARP_NAMES[((midi % 12) + 12) % 12]}${Math.floor(midi / 12) - 1}`;
}

// "0.4.7" (normal order of pitch classes, as the seed article encodes chords) -> MIDI numbers,
// stacked upwards from a first note near middle C so every chord sits in the same register.
export function chordToMidis(token) {
  const pcs = token.split('.').map(Number);
  if (pcs.some((pc) => !Number.isInteger(pc) || pc < 0 || pc > 11)) return null;
  const midis = [];
  let previous = -Infinity;
  for (const pc of pcs) {
    let midi = midis.length === 0 ? CHORD_FLOOR + ((pc - CHORD_FLOOR % 12 + 12) % 12) : previous + 1;
    while (midi % 12 !== pc) midi++;
    midis.push(midi);
    previous = midi;
  }
  return midis;
}

// A model token -> {kind: "rest"|"note"|"chord", midis}, or null for a token we cannot play.
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
