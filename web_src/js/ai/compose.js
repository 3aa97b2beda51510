// What the page asks the model for when it composes a lead sheet, and how the answer comes back
// to the listener's key.
//
// FOLLOW mode (a progression given): the progression's key is estimated (theory.js), the chords
// are moved to C major / A minor (the key every training piece was moved to) and each becomes the
// model's chord token for its family; a family the model has no token for becomes the nearest
// chord it has, and the page says so. The chords loop over the piece's bars. The model writes only
// the melody, which is moved back; the chords sound as the listener wrote them.
//
// FREE mode (no progression): the model writes its chords too. There is no listener key, so the
// seed picks one (a transposition of -6..+5 semitones from the model's C major / A minor), and
// tracks of different seeds are in different keys; the chords are named by their family.

import {
  FAMILIES,
  FAMILY_NAMES,
  LEADSHEET,
  chordToken,
  estimateProgressionKey,
  familyChord,
  familyFit,
  familyPitchClasses,
  keyName,
  keyShiftToC,
  parseChordSymbol,
  parseChordToken,
  transposeSymbol,
  voiceChord,
} from '../music/theory.js';
import { derivedRng } from './sampling.js';

const mod = (n, m) => ((n % m) + m) % m;
const KEY_SALT = 0x4b657973; // "Keys": the free key's draw, apart from the token draws' stream
const DEFAULT_BARS = 8;
export const MAX_BARS = 256; // the most the worker writes (ai/lstm.js)

// The piece's bars: as asked (1..MAX_BARS), else whole passes of the progression, at least
// DEFAULT_BARS (a 4-bar progression gives 8 bars, a 3-bar one 9).
export function pieceBars(bars, progressionBars = null) {
  const asked = Math.trunc(Number(bars));
  if (Number.isFinite(asked) && asked >= 1) return Math.min(MAX_BARS, asked);
  if (!progressionBars) return DEFAULT_BARS;
  return Math.min(MAX_BARS, progressionBars * Math.ceil(DEFAULT_BARS / progressionBars));
}

// The chord tokens of a vocabulary: [{token, root, family}], in theory.json's family order, then
// by root (the order that breaks ties, as theory's familyOf does).
export function vocabChords(vocab) {
  const chords = [];
  for (const token of vocab) {
    const parsed = parseChordToken(token);
    if (parsed && parsed[0] !== null) chords.push({ token, root: parsed[0], family: parsed[1] });
  }
  const order = (family) => FAMILY_NAMES.indexOf(family);
  return chords.sort((a, b) => order(a.family) - order(b.family) || a.root - b.root);
}

// The pitch classes that say what a seventh chord is, its third (or sus fourth) and its seventh:
// its family's second and last core tones. Empty for a family without a seventh.
export function guideTones(root, family) {
  const info = FAMILIES[family];
  return info.seventh ? new Set([mod(root + info.core[1], 12), mod(root + info.core[info.core.length - 1], 12)]) : new Set();
}

const coreOf = (root, family) => new Set(FAMILIES[family].core.map((i) => mod(root + i, 12)));
const within = (small, large) => [...small].every((pc) => large.has(pc));

// How well a vocabulary chord fits a chord's pitch classes, scored as theory's familyOf scores.
function fit(chord, root, family) {
  return familyFit(chord.pcs, chord.bass, root, family);
}

// The token for a chord (theory's parsed chord, already in the model's key): its own family's when
// the vocabulary has it, else the vocabulary's chord that fits its pitch classes best (the first
// best in vocabChords order). A seventh chord keeps its 7th where it can: the best seventh chord
// that holds its guide tones and no tone outside the chord and its family's voicing (Ab13 without
// a dominant 7th on Ab is Cm7b5, Ab9 without its root, not Ab6; Cmaj7 without maj7 on C is Em7,
// its maj9). null when nothing fits (no chord tokens). builder/grammar.py maps the same way.
export function nearestChordToken(chord, vocab, choices = vocabChords(vocab)) {
  if (chord.root === null) return vocab.includes(LEADSHEET.tokens.NC) ? LEADSHEET.tokens.NC : null;
  const own = chordToken(chord.root, chord.family);
  if (vocab.includes(own)) return own;
  const guides = guideTones(chord.root, chord.family);
  const room = new Set([...chord.pcs, ...familyPitchClasses(chord.root, chord.family)]);
  const keeping = choices.filter(({ root, family }) => {
    const core = coreOf(root, family);
    return FAMILIES[family].seventh && within(guides, core) && within(core, room);
  });
  const candidates = guides.size && keeping.length ? keeping : choices;
  let best = null;
  let bestScore = -Infinity;
  for (const { token, root, family } of candidates) {
    const score = fit(chord, root, family);
    if (score > bestScore) {
      best = token;
      bestScore = score;
    }
  }
  return best;
}

// A parsed chord moved by `semitones` (root, bass and pitch classes).
function moved(chord, semitones) {
  if (chord.root === null) return chord;
  return { ...chord, root: mod(chord.root + semitones, 12), bass: mod(chord.bass + semitones, 12), pcs: chord.pcs.map((pc) => mod(pc + semitones, 12)) };
}

// One pass of a progression, [{symbol, step, length}] (sixteenths from the pass's start), repeated
// every `passSteps` over `totalSteps`; the last chord is cut at the end.
export function loopProgression(chords, passSteps, totalSteps) {
  const out = [];
  for (let offset = 0; offset < totalSteps; offset += passSteps) {
    for (const chord of chords) {
      const step = offset + chord.step;
      if (step >= totalSteps) break;
      out.push({ ...chord, step, length: Math.min(chord.length, totalSteps - step) });
    }
  }
  return out;
}

// FOLLOW mode. progression: one pass, [{symbol, step, length}] with `passBars` bars (a chord read
// before, with theory's fields, is not read again); key: the progression's key when it is known
// already ({tonic, mode}: a value read once carries it), else it is estimated from the chords;
// vocab: the model's. Returns {mode, shift, key, bars, barLength, changes: [{step, token}] (what the grammar
// forces: only where the model's chord changes, as in the training pieces), chords: [{step, length,
// symbol, midis, chord (theory's), token}], mapped: [{symbol, as, nearest}]}.
export function followPlan({ progression, passBars, bars, vocab, barLength = 16, key = null }) {
  const parsed = progression.map((chord) => {
    const { bar: _bar, step: _step, start: _start, sixteenths: _sixteenths, length: _length, ...read } = chord; // where it sits is the plan's
    const value = Array.isArray(chord.pcs) ? read : parseChordSymbol(chord.symbol);
    if (!value) throw new Error(`"${chord.symbol}" is not a chord symbol I know`);
    return { symbol: chord.symbol, step: chord.step, length: chord.length, parsed: value };
  });
  const [tonic, mode] = key ? [key.tonic, key.mode] : estimateProgressionKey(parsed.map((c) => [c.parsed, c.length]));
  const shift = keyShiftToC(tonic, mode);
  const choices = vocabChords(vocab);
  const tokenOf = new Map(); // symbol -> token
  const mapped = [];
  for (const { symbol, parsed: chord } of parsed) {
    if (tokenOf.has(symbol)) continue;
    const token = nearestChordToken(moved(chord, shift), vocab, choices);
    tokenOf.set(symbol, token);
    if (chord.root === null || token === null) continue;
    const [root, family] = parseChordToken(token);
    const heard = familyChord(mod(root - shift, 12), family);
    // Reported: a chord the model has no token for, and one with tones its family does not voice
    // (Cmaj7#11's F#, A7b9's Bb): the melody is written over the family chord.
    const nearest = family !== chord.family || heard.root !== chord.root;
    const unvoiced = chord.pcs.some((pc) => !heard.pcs.includes(pc));
    if (nearest || unvoiced) mapped.push({ symbol, as: heard.symbol, nearest });
  }
  const total = bars * barLength;
  const chords = loopProgression(parsed, passBars * barLength, total).map(({ symbol, step, length, parsed: chord }) => ({
    step,
    length,
    symbol,
    midis: voiceChord(chord),
    chord,
    token: tokenOf.get(symbol),
  }));
  const changes = [];
  for (const chord of chords) {
    if (chord.token === null) continue; // a chord the model cannot be told: the one before goes on
    if (changes.length && changes[changes.length - 1].token === chord.token) continue;
    changes.push({ step: chord.step, token: chord.token });
  }
  return { mode: 'follow', shift, key: keyName(tonic, mode), bars, barLength, changes, chords, mapped };
}

// FREE mode: the seed's key (a shift of -6..+5 semitones to C major / A minor).
export function freePlan({ seed, bars, barLength = 16 }) {
  const { min, max } = LEADSHEET.keyShift;
  const rng = derivedRng(seed, KEY_SALT);
  const shift = min + Math.floor(rng() * (max - min + 1));
  return { mode: 'free', shift, key: null, bars, barLength, changes: null, chords: null, mapped: [] };
}

// FOLLOW mode for a progression read once (music/progression.js makeProgression: its chords as
// theory read them, each at its `start`, its bar length and its key as tonic and mode), moved up
// `up` semitones (the station's B: a fourth up): nothing in it is read or estimated again.
export function progressionPlan(progression, { bars, vocab, barLength = progression.barLength, up = 0 }) {
  const chords = progression.parsed.map((c) => ({
    ...(up ? { ...moved(c, up), symbol: transposeSymbol(c.symbol, up) } : c),
    step: c.start,
    length: c.sixteenths,
  }));
  const key = { tonic: mod(progression.tonic + up, 12), mode: progression.mode };
  return followPlan({ progression: chords, passBars: progression.bars, bars, vocab, barLength, key });
}

// The plan for a request (ai/jobs.js) or a piece kept by the build (report/replay.js): FOLLOW its
// progression (read once, or null), else FREE in the seed's key.
export function requestPlan({ progression = null, seed = 1, bars, vocab, barLength = progression?.barLength ?? 16 }) {
  return progression ? progressionPlan(progression, { bars, vocab, barLength }) : freePlan({ seed, bars, barLength });
}

// A model chord token as the listener hears it: moved back by `shift` (the plan's), named by its
// family and voiced with the family's lo-fi voicing. null for a token that is not a chord.
export function chordFromToken(token, shift) {
  const parsed = parseChordToken(token);
  if (!parsed) return null;
  const [root, family] = parsed;
  const chord = root === null ? familyChord(null, null) : familyChord(mod(root - shift, 12), family);
  return { ...chord, midis: voiceChord(chord), token };
}

// The key of a piece's chords, [{length, ...theory chord}], as theory estimates a progression's:
// "D major". null when none sounds.
export function chordsKey(chords) {
  if (!chords.some((c) => c.root !== null)) return null;
  return keyName(...estimateProgressionKey(chords.map((c) => [c, c.length])));
}
