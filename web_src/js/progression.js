// The listener's chord progression (issue 7): "Dm7 G7 Cmaj7 Am7" becomes
// - a backing part, one chord per bar (or as written between bar lines: "Dm7 G7 | Cmaj7"), voiced
//   from a bass note upward and looping on its own bars, so the chords stay on the bars;
// - a primer for the AI solo. The default model was trained on pieces moved to C major / A minor
//   (normalize_key), so the progression's key is estimated (Krumhansl-Kessler profiles over the
//   chords' pitch classes), the chords are moved to C major / A minor for the primer, and every
//   note the model writes is moved back by the opposite interval when it is played.
// Symbols are read by primer.js's parseChordSymbol; a symbol it cannot read is reported by name.

import { chordsToPrimer, parseChordSymbol } from './primer.js';
import { midiToNote, noteToMidi } from './pitch.js';

export const MAX_BARS = 64;
const NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
const MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

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
      const sixteenths = Math.floor(16 / symbols.length) + (i === symbols.length - 1 ? 16 % symbols.length : 0);
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

// The key that fits the chords best: {tonic, mode, name}.
export function estimateKey(chords) {
  const weights = new Array(12).fill(0);
  chords.forEach((chord, i) => {
    for (const pc of chord.pcs) weights[pc] += chord.sixteenths;
    // Roots count double, and the first and last chords (where a progression usually sits on
    // its tonic) once more.
    weights[chord.root] += chord.sixteenths;
    if (i === 0 || i === chords.length - 1) weights[chord.root] += 8;
  });
  let best = { tonic: 0, mode: 'major', score: -Infinity };
  for (const [mode, profile] of [['major', MAJOR], ['minor', MINOR]]) {
    for (let tonic = 0; tonic < 12; tonic++) {
      const score = correlation(weights, profile.map((_, pc) => profile[(pc - tonic + 12) % 12]));
      if (score > best.score + 1e-9) best = { tonic, mode, score };
    }
  }
  return { tonic: best.tonic, mode: best.mode, name: `${NAMES[best.tonic]} ${best.mode}` };
}

function correlation(a, b) {
  const mean = (v) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - ma) * (b[i] - mb);
    da += (a[i] - ma) ** 2;
    db += (b[i] - mb) ** 2;
  }
  return da && db ? num / Math.sqrt(da * db) : 0;
}

// Semitones that move `key` to C major / A minor, in -5..6.
export function shiftToModelKey(key) {
  const target = key.mode === 'minor' ? 9 : 0;
  const up = (target - key.tonic + 12) % 12;
  return up > 6 ? up - 12 : up;
}

// "Dm7/F" moved by `semitones`: "Em7/G" (flats for black keys, except F#).
export function transposeSymbol(symbol, semitones) {
  const match = /^\s*([A-Ga-g][#b♯♭]?)(.*?)(?:\/([A-Ga-g][#b♯♭]?))?\s*$/.exec(symbol);
  const parsed = parseChordSymbol(symbol);
  if (!match || !parsed) return symbol;
  const move = (pc) => NAMES[(((pc + semitones) % 12) + 12) % 12];
  const bass = match[3] ? `/${move(parsed.bass)}` : '';
  return `${move(parsed.root)}${match[2]}${bass}`;
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
  const shift = shiftToModelKey(key);
  return {
    text: String(text).trim(),
    bars: parsed.bars,
    chords: parsed.chords.map(({ symbol, bar, step, sixteenths }) => ({ symbol, bar, step, sixteenths })),
    key: key.name,
    shift, // semitones from the progression's key to the model's (C major / A minor)
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

// Voicing: the bass (or root) in octave 2, the chord tones closely above E3.
export function voiceChord({ pcs, bass }) {
  const low = 36 + bass;
  const upper = [];
  const floor = 52;
  for (const pc of pcs.filter((p) => p !== bass || pcs.length < 4)) {
    upper.push(floor + ((((pc - floor) % 12) + 12) % 12));
  }
  upper.sort((a, b) => a - b);
  return [low, ...upper];
}

const stepsTime = (steps) => `${Math.floor(steps / 16)}:${Math.floor((steps % 16) / 4)}:${steps % 4}`;

// The backing part in song-part format; loops every `progression.bars` bars on its own.
export function backingPart(progression, { instrument = 'piano', velocity = 0.42 } = {}) {
  return {
    name: 'chords',
    instrument,
    loopBars: progression.bars,
    events: progression.parsed.map((chord) => ({
      time: stepsTime(chord.bar * 16 + chord.step),
      duration: stepsTime(chord.sixteenths),
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

// A note name moved by semitones ("E4", +2 -> "F#4").
export function transposeNotes(notes, semitones) {
  if (!semitones) return notes;
  return notes.map((n) => {
    const midi = noteToMidi(n);
    return midi === null ? n : midiToNote(midi + semitones);
  });
}
