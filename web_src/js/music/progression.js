// The listener's chord progression: "Dm7 G7 Cmaj7 Am7" becomes
// - a backing part, one chord per bar (or as written between bar lines: "Dm7 G7 | Cmaj7"), voiced
//   from a bass note upward and looping on its own bars, so the chords stay on the bars;
// - a primer for the AI solo (ai/primer.js progressionPrimer). The default model was trained on
//   pieces moved to C major / A minor (normalize_key), so the progression's key is estimated, the
//   chords are moved to C major / A minor for the primer, and every note the model writes is moved
//   back by the opposite interval when it is played.
// The syntax is progression.json's and parseProgression is builder/progression.py's
// parse_progression: the same text gives the same value, errors included
// (tests/test_progression_parity.py). Symbols, keys, the shift and the voicing are music/theory.js's
// (builder/theory.py's too); a symbol it cannot read is reported by name; "N.C." is silence.

import { midiToNote, noteToMidi } from './pitch.js';
import syntax from './progression.json' with { type: 'json' };
import {
  estimateProgressionKey,
  keyName,
  keyShiftToC,
  parseChordSymbol,
  sixteenthsPerBar,
  transposeSymbol,
  voiceChord,
} from './theory.js';

export const MAX_BARS = syntax.maxBars;
const escapeClass = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
const SEPARATORS = new RegExp(`[${syntax.separators.map(escapeClass).join('')}]+`);
const BLANKS = syntax.separators.filter((c) => c !== ',').map(escapeClass).join('');
const TRIM = new RegExp(`^[${BLANKS}]+|[${BLANKS}]+$`, 'g');
const problem = (symbol, bar, message) => ({ symbol, bar, message });
const words = (part) => part.split(SEPARATORS).filter(Boolean);

// The symbols of each bar, as written.
function splitBars(text) {
  if (!text.includes(syntax.barLine)) return words(text).map((symbol) => [symbol]);
  let parts = text.split(syntax.barLine);
  if (parts.length > 1 && words(parts[0]).length === 0) parts = parts.slice(1); // a bar line before the first bar
  if (parts.length > 1 && words(parts[parts.length - 1]).length === 0) parts = parts.slice(0, -1); // a closing one
  return parts.map(words);
}

// The key the chords are heard in (C major when none sounds): {tonic, mode, name}.
function keyOf(read) {
  const [tonic, mode] = estimateProgressionKey(read);
  return { tonic, mode, name: keyName(tonic, mode) };
}

// Text -> {text, meter: [n, d], barLength, bars, chords, errors, key}:
// - chords: [{symbol, root, bass, suffix, intervals, pcs, family (theory.js's parseChordSymbol;
//   "N.C." has root null), bar (from 0), step (sixteenths into its bar), start (sixteenths from the
//   start), sixteenths (its length)}];
// - errors: [{symbol, bar (from 1; 0 for the whole text), message}], one line each; [] when every
//   bar reads;
// - key: {tonic, mode, name}, estimated from the chords read.
// Without "|" every symbol is one bar; with bar lines the chords of a bar share it (the last one
// takes what an even split leaves); "%" alone in a bar repeats the bar before. `meter` is
// [numerator, denominator], 4/4 by default.
export function parseProgression(text, meter = syntax.defaultMeter) {
  const given = meter ?? syntax.defaultMeter;
  if (!Array.isArray(given) || given.length !== 2) {
    const message = `a meter is [numerator, denominator], such as [${syntax.defaultMeter.join(', ')}]`;
    return { text: '', meter: null, barLength: 0, bars: 0, chords: [], errors: [problem('', 0, message)], key: keyOf([]) };
  }
  const [numerator, denominator] = given;
  const chords = [];
  const read = [];
  const errors = [];
  const value = { text: '', meter: [numerator, denominator], barLength: 0, bars: 0 };
  let perBar;
  try {
    perBar = sixteenthsPerBar(numerator, denominator);
  } catch {
    errors.push(problem('', 0, `unsupported meter ${numerator}/${denominator}`));
    return { ...value, chords, errors, key: keyOf(read) };
  }
  value.barLength = perBar;
  if (text !== null && text !== undefined && typeof text !== 'string') {
    errors.push(problem('', 0, `a progression is text, such as ${JSON.stringify(syntax.example)}`));
    return { ...value, chords, errors, key: keyOf(read) };
  }
  value.text = (text ?? '').replace(TRIM, '');
  const bars = value.text ? splitBars(value.text) : [];
  if (bars.length === 0) errors.push(problem('', 0, `type some chords, e.g. ${JSON.stringify(syntax.example)}`));
  let previous = null;
  bars.forEach((symbols, index) => {
    const number = index + 1;
    if (symbols.length === 0) {
      errors.push(problem('', number, `bar ${number} is empty`));
      return;
    }
    if (symbols.length === 1 && symbols[0] === syntax.repeat) {
      if (previous === null) {
        errors.push(problem(syntax.repeat, number, `"${syntax.repeat}" in bar ${number} repeats the bar before, but there is none`));
        return;
      }
      for (const [chord, parsed] of previous) {
        chords.push({ ...chord, bar: index, start: index * perBar + chord.step });
        read.push([parsed, chord.sixteenths]);
      }
      return;
    }
    if (symbols.length > perBar) {
      errors.push(problem('', number, `bar ${number} has ${symbols.length} chords; a bar of ${perBar} sixteenths holds ${perBar} at most`));
      return;
    }
    const here = [];
    let step = 0;
    symbols.forEach((symbol, i) => {
      const sixteenths = Math.floor(perBar / symbols.length) + (i === symbols.length - 1 ? perBar % symbols.length : 0);
      const parsed = parseChordSymbol(symbol);
      if (parsed === null) errors.push(problem(symbol, number, `"${symbol}" is not a chord symbol I know (bar ${number})`));
      else here.push([{ ...parsed, bar: index, step, start: index * perBar + step, sixteenths }, parsed]);
      step += sixteenths;
    });
    for (const [chord, parsed] of here) {
      chords.push(chord);
      read.push([parsed, chord.sixteenths]);
    }
    previous = here;
  });
  if (bars.length > MAX_BARS) errors.push(problem('', MAX_BARS + 1, `${bars.length} bars; a progression has ${MAX_BARS} at most`));
  value.bars = bars.length;
  return { ...value, chords, errors, key: keyOf(read) };
}

// A parsed, valid progression with everything the player and the generator need: {text, bars,
// meter, barLength, chords: [{symbol, bar, step, start, sixteenths}], key (its name), tonic and
// mode (the key's, as parseProgression's key has them), shift,
// modelChords (the symbols moved by shift), parsed (parseProgression's chords)}. Throws an Error
// whose message joins parseProgression's errors (error.errors holds them, error.symbols the bad
// symbols).
export function makeProgression(text) {
  const parsed = parseProgression(text);
  if (parsed.errors.length) {
    const error = new Error(parsed.errors.map((e) => e.message).join('; '));
    error.symbols = parsed.errors.map((e) => e.symbol).filter(Boolean);
    error.errors = parsed.errors;
    error.chords = parsed.chords; // those read beside the errors, for the field's message
    throw error;
  }
  const { key } = parsed;
  const shift = keyShiftToC(key.tonic, key.mode);
  return {
    text: parsed.text,
    bars: parsed.bars,
    meter: parsed.meter,
    barLength: parsed.barLength,
    chords: parsed.chords.map(({ symbol, bar, step, start, sixteenths }) => ({ symbol, bar, step, start, sixteenths })),
    key: key.name,
    tonic: key.tonic,
    mode: key.mode,
    shift, // semitones from the progression's key to the model's (C major / A minor), -6..5
    modelChords: parsed.chords.map((c) => transposeSymbol(c.symbol, shift)),
    parsed: parsed.chords,
  };
}

// The backing part in song-part format; loops every `progression.bars` bars on its own.
export function backingPart(progression, { instrument = 'piano', velocity = 0.42 } = {}) {
  return {
    name: 'chords',
    instrument,
    loopBars: progression.bars,
    // The lo-fi voicing (theory.js), as songs voice their chords; "N.C." plays nothing.
    events: progression.parsed.filter((chord) => chord.root !== null).map((chord) => ({
      step: chord.start,
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
