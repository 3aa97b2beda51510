// The listener's chord progression: "Dm7 G7 Cmaj7 Am7" becomes
// - a backing part, one chord per bar (or as written between bar lines: "Dm7 G7 | Cmaj7"), voiced
//   from a bass note upward and looping on its own bars, so the chords stay on the bars;
// - a primer for the AI solo. The default model was trained on pieces moved to C major / A minor
//   (normalize_key), so the progression's key is estimated, the chords are moved to C major /
//   A minor for the primer, and every note the model writes is moved back by the opposite interval
//   when it is played.
// Symbols, keys, the shift and the voicing are music/theory.js's (builder/theory.py's too); a
// symbol it cannot read is reported by name; "N.C." is a bar of silence.

import { chordsToPrimer } from '../ai/primer.js';
import { midiToNote, noteToMidi } from './pitch.js';
import {
  estimateProgressionKey,
  keyName,
  keyShiftToC,
  parseChordSymbol,
  transposeSymbol,
  voiceChord,
} from './theory.js';

export const MAX_BARS = 64;
const BAR = 16; // sixteenths: progressions are 4/4

// Text -> {chords: [{symbol, bar, step, sixteenths, root, bass, pcs}], bars, errors: [{symbol, bar, message}]}.
// Without "|" every symbol is one bar; with bar lines the chords of a bar share it evenly.
// "%" repeats the bar before. Bars are 4/4 (16 sixteenths).
export function parseProgression(text) {
  const source = String(text ?? '').trim();
  const errors = [];
  const chords = [];
  if (!source) return { chords, bars: 0, errors: [{ symbol: '', bar: 0, message: 'type some chords, e.g. "Dm7 G7 Cmaj7 Am7"' }] };
  const bars = source.includes('|')
    ? source.split('|').map((bar) => bar.split(/[\s,]+/).filter(Boolean))
    : source.split(/[\s,]+/).filter(Boolean).map((symbol) => [symbol]);
  let previous = null;
  bars.forEach((symbols, barIndex) => {
    if (symbols.length === 0) {
      errors.push({ symbol: '', bar: barIndex + 1, message: `bar ${barIndex + 1} is empty` });
      return;
    }
    if (symbols.length === 1 && symbols[0] === '%') {
      if (!previous) errors.push({ symbol: '%', bar: barIndex + 1, message: '"%" repeats the bar before, but there is none' });
      else for (const chord of previous) chords.push({ ...chord, bar: barIndex });
      return;
    }
    const here = [];
    let step = 0;
    symbols.forEach((symbol, i) => {
      const sixteenths = Math.floor(BAR / symbols.length) + (i === symbols.length - 1 ? BAR % symbols.length : 0);
      const parsed = parseChordSymbol(symbol);
      if (!parsed) errors.push({ symbol, bar: barIndex + 1, message: `"${symbol}" is not a chord symbol I know (bar ${barIndex + 1})` });
      else here.push({ symbol, bar: barIndex, step, sixteenths, ...parsed });
      step += sixteenths;
    });
    chords.push(...here);
    previous = here;
  });
  if (bars.length > MAX_BARS) errors.push({ symbol: '', bar: MAX_BARS + 1, message: `at most ${MAX_BARS} bars` });
  return { chords, bars: bars.length, errors };
}

// The key that fits the chords best: {tonic, mode, name} (roots, the first and last chords and
// resolutions weigh most: "Dm7 G7 Cmaj7" is C major).
export function estimateKey(chords) {
  const [tonic, mode] = estimateProgressionKey(chords.map((chord) => [chord, chord.sixteenths]));
  return { tonic, mode, name: keyName(tonic, mode) };
}

// A parsed, valid progression with everything the player and the generator need.
export function makeProgression(text) {
  const parsed = parseProgression(text);
  if (parsed.errors.length) {
    const error = new Error(parsed.errors.map((e) => e.message).join('; '));
    error.symbols = parsed.errors.map((e) => e.symbol).filter(Boolean);
    error.errors = parsed.errors;
    throw error;
  }
  const key = estimateKey(parsed.chords);
  const shift = keyShiftToC(key.tonic, key.mode);
  return {
    text: String(text).trim(),
    bars: parsed.bars,
    chords: parsed.chords.map(({ symbol, bar, step, sixteenths }) => ({ symbol, bar, step, sixteenths })),
    key: key.name,
    shift, // semitones from the progression's key to the model's (C major / A minor), -6..5
    modelChords: parsed.chords.map((c) => transposeSymbol(c.symbol, shift)),
    parsed: parsed.chords,
  };
}

// Primer tokens: "<s>" then each chord, moved to C major / A minor, with its own length.
export function progressionPrimer(progression, vocab) {
  const tokens = progression.parsed.flatMap((chord, i) =>
    chordsToPrimer([progression.modelChords[i]], vocab, { sixteenths: chord.sixteenths }).filter((t) => t !== '<s>'),
  );
  return vocab.includes('<s>') ? ['<s>', ...tokens] : tokens;
}

// The backing part in song-part format; loops every `progression.bars` bars on its own.
export function backingPart(progression, { instrument = 'piano', velocity = 0.42 } = {}) {
  return {
    name: 'chords',
    instrument,
    loopBars: progression.bars,
    // The lo-fi voicing (theory.js), as songs voice their chords; "N.C." plays nothing.
    events: progression.parsed.filter((chord) => chord.root !== null).map((chord) => ({
      step: chord.bar * BAR + chord.step,
      length: chord.sixteenths,
      notes: voiceChord(chord).map(midiToNote),
      velocity,
      chord: chord.symbol,
    })),
  };
}

// The solo's loop: the longest multiple of the progression's length up to `soloBars` (30), so the
// solo and the chords start each pass together.
export function soloLoopBars(progression, soloBars = 30) {
  if (!progression) return soloBars;
  return Math.max(progression.bars, Math.floor(soloBars / progression.bars) * progression.bars);
}

// A note name moved by semitones ("E4", +2 -> "F#4"); a name it cannot read, or that would leave
// MIDI's range, stays as it is.
export function transposeNotes(notes, semitones) {
  if (!semitones) return notes;
  return notes.map((n) => {
    const midi = noteToMidi(n);
    return midi === null || midi + semitones < 0 || midi + semitones > 127 ? n : midiToNote(midi + semitones);
  });
}
