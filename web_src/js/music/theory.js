// The musical vocabulary, defined once: chord symbols and families, voicings, keys, note names and
// the lead-sheet token grammar (the sixteenth / tick / TransportTime conversions: music/time.js).
//
// The data lives in theory.json, which builder/theory.py reads too; this module and that one are the
// same functions (camelCase here, snake_case there), and tests/test_theory_parity.py runs the same
// cases through both. Keep them in step: change a rule in one, change it in the other, and add its
// cases to the parity test. Sums run in index order and rounding is half-up, as in theory.py, so the
// two agree to the last bit. Node imports this file as it is; esbuild bundles it with the JSON.

import theory from './theory.json' with { type: 'json' };
// Key names' modes live beside theory.json, not in it: the model's fingerprint covers theory.json.
import keyModes from './modes.json' with { type: 'json' };
import { FAMILIES, FAMILY_NAMES, checkFamily } from './tokens.js';

// Time and meter live in music/time.js; they are part of the vocabulary (builder/theory.py holds
// them too), so this module passes them on.
export {
  SIXTEENTHS_PER_QUARTER,
  TONE_PPQ,
  MIDI_PPQ,
  sixteenthsPerBar,
  sixteenthsToTransport,
  transportToSixteenths,
  sixteenthsToTicks,
  transportToTicks,
  quartersPerBar,
  timeToTicks,
  describePosition,
  strongBeats,
  isStrongBeat,
} from './time.js';
// So are the lead-sheet tokens (music/tokens.js).
export {
  FAMILIES,
  FAMILY_NAMES,
  LENGTHS,
  CHORD_TONE_BIAS,
  PHRASE_BARS,
  STYLE_TOKENS,
  barPlace,
  barToken,
  chordToken,
  parseChordToken,
  noteToken,
  lengthToken,
  splitLength,
  readToken,
} from './tokens.js';

export const THEORY = theory;
const NOTES = theory.notes;
const CHORDS = theory.chords;
const KEYS = theory.keys;
export const LEADSHEET = theory.leadsheet;

const LETTERS = NOTES.letters;
const SPELLINGS = NOTES.spellings;
export const SUFFIXES = CHORDS.suffixes;
export const SEVENTH_FAMILIES = FAMILY_NAMES.filter((name) => FAMILIES[name].seventh);
const VOICING = theory.voicing;
const MODES = KEYS.modes; // the modes a key is estimated in
export const KEY_MODES = keyModes.modes; // every mode a key name may have -> its tonic above C


const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
const mod = (n, m) => ((n % m) + m) % m;
// Only these count as blanks around a symbol or a name (trim() and Python's strip() disagree on
// some Unicode spaces).
const strip = (text) => text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
// A regex group body matching any of `options`, longest first so '##' wins over '#'.
const alternatives = (options) =>
  Object.keys(options)
    .filter(Boolean)
    .sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0))
    .map(escape)
    .join('|');
const whole = (source) => new RegExp(`^(?:${source})$`);

const LETTER = '[A-Ga-g]';
const CHORD_ACCIDENTAL = `(?:${alternatives(NOTES.chordAccidentals)})`;
const NOTE_ACCIDENTAL = `(?:${alternatives(NOTES.accidentals)})`;
const SYMBOL = whole(`(${LETTER})(${CHORD_ACCIDENTAL}?)([\\s\\S]*?)(?:/(${LETTER})(${CHORD_ACCIDENTAL}?))?`);
const NOTE_NAME = whole(`(${LETTER})(${NOTE_ACCIDENTAL}?)([0-9]{1,2})`);
const KEY_NAME = whole(`(${LETTER})(${NOTE_ACCIDENTAL}?) +([A-Za-z]+)`);

const pitchClass = (letter, accidental, table) => mod(LETTERS[letter.toUpperCase()] + table[accidental], 12);

// ---- chord symbols -----------------------------------------------------------------------------

// {symbol, root, bass, suffix, intervals, pcs, family}: the intervals above the root (extensions as
// written: a 9th is 14), its pitch classes (the bass first when it is not a chord tone). "N.C." has
// root, bass and family null and no tones.
function makeChord(symbol, root, bass, suffix, intervals, family) {
  const pcs = [];
  if (root !== null) {
    for (const interval of intervals) {
      const pc = mod(root + interval, 12);
      if (!pcs.includes(pc)) pcs.push(pc);
    }
    if (!pcs.includes(bass)) pcs.unshift(bass);
  }
  return { symbol, root, bass, suffix, intervals: [...intervals], pcs, family };
}

// "Dm9" -> {root: 2, family: 'm7', intervals: [0, 3, 7, 10, 14], ...}; "C7/E" has bass 4; "N.C."
// is the no-chord chord; null for anything not in theory.json's suffix table.
export function parseChordSymbol(symbol) {
  if (typeof symbol !== 'string') return null;
  const text = strip(symbol);
  if (CHORDS.noChord.includes(text.toUpperCase())) return makeChord(text, null, null, '', [], null);
  const match = SYMBOL.exec(text);
  if (!match) return null;
  const [, letter, accidental, written, bassLetter, bassAccidental] = match;
  const suffix = written.replace(/[() ]/g, '');
  if (!has(SUFFIXES, suffix)) return null;
  const quality = SUFFIXES[suffix];
  const table = NOTES.chordAccidentals;
  const root = pitchClass(letter, accidental, table);
  const bass = bassLetter ? pitchClass(bassLetter, bassAccidental || '', table) : root;
  return makeChord(text, root, bass, suffix, quality.intervals, quality.family);
}

// A family chord's display name: (2, 'm7') -> "Dm7"; (null, null) -> "N.C.".
function chordSymbol(root, family, bass = null) {
  if (root === null) return CHORDS.noChord[0];
  checkFamily(family);
  const names = SPELLINGS.common;
  const text = names[mod(root, 12)] + FAMILIES[family].display;
  return bass === null || mod(bass, 12) === mod(root, 12) ? text : `${text}/${names[mod(bass, 12)]}`;
}

// A chord of the model's vocabulary, sounding its family's default lo-fi voicing.
export function familyChord(root, family, bass = null) {
  if (root === null) return makeChord(chordSymbol(null, null), null, null, '', [], null);
  checkFamily(family);
  const info = FAMILIES[family];
  const low = bass === null ? mod(root, 12) : mod(bass, 12);
  return makeChord(chordSymbol(root, family, low), mod(root, 12), low, info.display, info.voicing, family);
}

// The pitch classes of a family's voicing on `root` (7ths and 9ths included): the chord tones a
// melody is nudged towards on strong beats.
export function familyPitchClasses(root, family) {
  return familyChord(root, family).pcs;
}

// How well the `family` chord on `root` fits a set of pitch classes (and its bass), scored by
// theory.json's familyMatch: core tones present, core tones missing, tones neither core nor voiced,
// and the bass on the root. familyOf and the vocabulary's nearest chord (ai/compose.js) score with it.
export function familyFit(pitchClasses, bass, root, family) {
  const weights = theory.familyMatch;
  const info = FAMILIES[family];
  const wanted = new Set([...pitchClasses].map((pc) => mod(pc, 12)));
  const core = new Set(info.core.map((i) => mod(root + i, 12)));
  const voiced = new Set(info.voicing.map((i) => mod(root + i, 12)));
  let hits = 0;
  let extras = 0;
  for (const pc of wanted) {
    if (core.has(pc)) hits++;
    else if (!voiced.has(pc)) extras++;
  }
  return (
    weights.hit * hits +
    weights.miss * (core.size - hits) +
    weights.extra * extras +
    (bass !== null && bass !== undefined && mod(bass, 12) === root ? weights.bassIsRoot : 0)
  );
}

// The root and family that fit a set of pitch classes best (a chord read from MIDI), scored by
// familyFit; ties go to the earlier family, then the lower root. [null, null] for an empty set.
export function familyOf(pitchClasses, bass = null) {
  const wanted = [...pitchClasses];
  if (wanted.length === 0) return [null, null];
  let best = [null, null];
  let bestScore = -Infinity;
  for (const name of FAMILY_NAMES) {
    for (let root = 0; root < 12; root++) {
      const score = familyFit(wanted, bass, root, name);
      if (score > bestScore) {
        best = [root, name];
        bestScore = score;
      }
    }
  }
  return best;
}

// "Dm7/F" moved by 2: "Em7/G". The suffix stays as written; roots take the common spelling. "N.C."
// stays; null for a symbol that does not parse.
export function transposeSymbol(symbol, semitones) {
  const chord = parseChordSymbol(symbol);
  if (chord === null) return null;
  if (chord.root === null) return chord.symbol;
  const [, , , written, bassLetter] = SYMBOL.exec(chord.symbol);
  const names = SPELLINGS.common;
  const text = names[mod(chord.root + semitones, 12)] + written;
  return bassLetter ? `${text}/${names[mod(chord.bass + semitones, 12)]}` : text;
}

// ---- voicing -----------------------------------------------------------------------------------

// The lo-fi close voicing as MIDI numbers, the bass first: Dm9 -> [38, 53, 57, 60, 64]
// (D2 | F3 A3 C4 E4). The rule is theory.json's "voicing"; `octaves` moves it all. [] for N.C.
export function voiceChord(chord, octaves = 0) {
  if (chord.root === null) return [];
  let tones = []; // intervals above the root, one per pitch class, in the order written
  for (const interval of chord.intervals) {
    if (tones.every((kept) => mod(interval - kept, 12) !== 0)) tones.push(interval);
  }
  if (tones.length >= 4) tones = tones.filter((i) => mod(chord.root + i, 12) !== chord.bass);
  if (tones.length > VOICING.maxUpper && tones.includes(7)) tones.splice(tones.indexOf(7), 1);
  if (tones.some((i) => mod(i, 12) === 4)) tones = tones.filter((i) => i !== 17);
  const low = VOICING.upperLow;
  const upper = tones.map((i) => low + mod(chord.root + i - low, 12)).sort((a, b) => a - b);
  const bass = VOICING.bassLow + chord.bass;
  return [bass, ...upper].map((midi) => midi + 12 * octaves);
}

// ---- note names --------------------------------------------------------------------------------

// "C4" -> 60; "Bb3", "B-3" (music21's flat), "A#3" -> 58; "Fx4" -> 67. null when not a note name or
// outside MIDI's 0..127.
export function noteNameToMidi(name) {
  if (typeof name !== 'string') return null;
  const match = NOTE_NAME.exec(strip(name));
  if (!match) return null;
  const [, letter, accidental, octave] = match;
  const midi = (Number(octave) + 1) * 12 + LETTERS[letter.toUpperCase()] + NOTES.accidentals[accidental];
  return midi >= 0 && midi <= 127 ? midi : null;
}

// 60 -> "C4"; 70 -> "A#4" ("Bb4" with spelling 'flat' or 'common').
export function midiToNoteName(midi, spelling = 'sharp') {
  if (!Number.isInteger(midi) || midi < 0 || midi > 127) throw new RangeError(`not a MIDI note number: ${midi}`);
  if (!has(SPELLINGS, spelling)) throw new Error(`unknown spelling "${spelling}"; known: ${Object.keys(SPELLINGS).join(', ')}`);
  return `${SPELLINGS[spelling][midi % 12]}${Math.floor(midi / 12) - 1}`;
}

// ---- keys --------------------------------------------------------------------------------------

// Pearson's r, summed in index order (as theory.py does) so both sides get the same bits.
function correlation(a, b) {
  let totalA = 0;
  let totalB = 0;
  for (let i = 0; i < a.length; i++) {
    totalA += a[i];
    totalB += b[i];
  }
  const meanA = totalA / a.length;
  const meanB = totalB / b.length;
  let num = 0;
  let varA = 0;
  let varB = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - meanA) * (b[i] - meanB);
    varA += (a[i] - meanA) * (a[i] - meanA);
    varB += (b[i] - meanB) * (b[i] - meanB);
  }
  return varA && varB ? num / Math.sqrt(varA * varB) : 0;
}

// [tonic, mode, correlation] for all 24 keys, in the tie-breaking order C major, C minor, C# major...
export function keyScores(weights) {
  const values = [...weights];
  if (values.some((w) => typeof w !== 'number' || !Number.isFinite(w))) throw new Error(`key weights must be finite numbers: ${values}`);
  if (values.length !== 12) throw new Error(`key weights need 12 pitch classes, got ${values.length}`);
  const scores = [];
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const mode of MODES) {
      const profile = KEYS.profiles[mode];
      const rotated = values.map((_, pc) => profile[mod(pc - tonic, 12)]);
      scores.push([tonic, mode, correlation(values, rotated)]);
    }
  }
  return scores;
}

// The Krumhansl-Kessler key of a 12-bin pitch-class weighting: [tonic, 'major'|'minor']. A key must
// beat the best so far by more than tieTolerance, so exact ties (a tritone-symmetric weighting) go
// to the first key in order; all-equal weights give C major.
export function estimateKey(weights) {
  return bestKey(keyScores(weights));
}

// The best of [[tonic, mode, score]]: a key must beat the best so far by more than tieTolerance, so
// exact ties go to the first in order; none gives C major.
function bestKey(scores) {
  let best = [0, MODES[0]];
  let bestScore = -Infinity;
  for (const [tonic, mode, score] of scores) {
    if (score > bestScore + KEYS.tieTolerance) {
      best = [tonic, mode];
      bestScore = score;
    }
  }
  return best;
}

// A root motion a dominant resolves by: a fourth up (V-I) or a semitone down (a tritone substitute).
const resolves = (chord, following) => KEYS.resolutionSteps.includes(mod(following.root - chord.root, 12));

// A progression's pitch-class weights as heard in the key [tonic, mode], for its profile. `chords` is
// [[chord, sixteenths]], taken as a loop; theory.json's "keys" says how roots, the first and last
// chords and resolutions (V-I, a tritone substitute's semitone down, and ii-V pointing at its I)
// weigh, and which dominant 7ths are only colour in that key: bII7 (the tritone substitute of V),
// bIII7, IV7, bVI7 and, in major, bVII7 count for little, so they do not pull the key away.
export function progressionKeyWeights(chords, tonic, mode) {
  const extra = KEYS.progressionWeights;
  const dominants = KEYS.dominantFamilies;
  const sounding = chords.filter(([chord]) => chord && chord.root !== null);
  const weights = new Array(12).fill(0);
  sounding.forEach(([chord, length], index) => {
    const colour = dominants.includes(chord.family) && KEYS.colourDegrees[mode].includes(mod(chord.root - tonic, 12));
    const share = colour ? length * extra.colour : length;
    for (const pc of chord.pcs) weights[pc] += share;
    weights[chord.root] += extra.root * share;
    if (index === 0 || index === sounding.length - 1) weights[chord.root] += extra.firstLast;
  });
  if (sounding.length > 1) {
    sounding.forEach(([chord], index) => {
      const following = sounding[(index + 1) % sounding.length][0];
      if (dominants.includes(chord.family) && resolves(chord, following)) weights[following.root] += extra.resolution;
      if (following.root === mod(chord.root + 5, 12) && KEYS.twoFamilies.includes(chord.family) && dominants.includes(following.family)) {
        weights[mod(following.root + 5, 12)] += extra.resolution;
      }
    });
  }
  return weights;
}

// [tonic, mode, correlation] for all 24 keys, each key's profile against the progression's weights
// as heard in that key; in keyScores's order.
export function progressionKeyScores(chords) {
  const scores = [];
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const mode of MODES) {
      const weights = progressionKeyWeights(chords, tonic, mode);
      const profile = KEYS.profiles[mode];
      scores.push([tonic, mode, correlation(weights, weights.map((_, pc) => profile[mod(pc - tonic, 12)]))]);
    }
  }
  return scores;
}

// The key of [[chord, sixteenths]]: "Dm7 G7 Cmaj7" is C major, "Gmaj7 E7 Am7 D7" G major,
// "Gm9 Gb13 Fmaj9 Ab13" F major. Ties go to the first key, as in estimateKey.
export function estimateProgressionKey(chords) {
  return bestKey(progressionKeyScores(chords));
}

// Semitones (-6..5) that move a key to the model's white keys (C major, A minor, D dorian ...); a
// tritone away is written -6.
export function keyShiftToC(tonic, mode) {
  if (typeof mode !== 'string' || !has(KEY_MODES, mode)) throw new Error(`unknown mode "${mode}"; known: ${Object.keys(KEY_MODES).join(', ')}`);
  const { min, max } = LEADSHEET.keyShift;
  return mod(KEY_MODES[mode] - tonic - min, max - min + 1) + min;
}

// A key's pitch classes, ascending from C: theory.json's scale for major and minor (minor with the
// raised 7th of its V7); a mode has the notes of the major scale it comes from (D dorian: C major's).
export function keyPitchClasses(tonic, mode) {
  keyShiftToC(tonic, mode); // refuses an unknown mode
  const scale = has(KEYS.scales, mode) ? KEYS.scales[mode].map((i) => tonic + i) : KEYS.scales.major.map((i) => tonic - KEY_MODES[mode] + i);
  return [...new Set(scale.map((pc) => mod(pc, 12)))].sort((a, b) => a - b);
}

// (2, 'major') -> "D major".
export function keyName(tonic, mode) {
  return `${SPELLINGS.common[mod(tonic, 12)]} ${mode}`;
}

// "Eb major", "F# minor", "B- Minor", "D dorian" -> [tonic, mode]; "A aeolian" is [9, 'minor'];
// null otherwise.
export function parseKeyName(text) {
  const match = typeof text === 'string' ? KEY_NAME.exec(strip(text)) : null;
  let mode = match ? match[3].toLowerCase() : '';
  if (has(keyModes.synonyms, mode)) mode = keyModes.synonyms[mode];
  if (!has(KEY_MODES, mode)) return null;
  return [pitchClass(match[1], match[2], NOTES.accidentals), mode];
}

export default theory;
