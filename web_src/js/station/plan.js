// The station's plan, before any note is written: an endless chain of tunes, each with a key, a
// tempo, a drum pattern and a form. Pure (no model, no audio): the same seed and options give the
// same chain, so the live station, lofi.station(), a share link and a kept tune all agree.
//
// Form: sections of 8 bars that return and contrast (A, A' = A's chords with A's opening motif and
// a new continuation, B = other chords, B' likewise), framed by an intro (A's first chords alone,
// no drums) and an outro (the tonic held, drums out). Between tunes the key moves to a related one
// (the same, the relative major or minor, or a fifth away) and the tempo by a few bpm.

import { keyName } from '../music/theory.js';
import { derivedRng, seedToUint32 } from '../ai/sampling.js';

export const SECTION_BARS = 8;
export const INTRO_BARS = 4;
export const OUTRO_BARS = 2;
export const TEMPO_RANGE = { min: 60, max: 95 };
export const MAX_TEMPO_STEP = 10; // bpm between two tunes, at most
const DEFAULT_TEMPO = { low: 68, high: 86 }; // without a mood
const MOOD_TEMPO_SPAN = 6; // a mood's tempo, give or take
const PATTERN_CHANGE = 0.35; // the chance a tune changes the drum pattern
const SALT = { tune: 0x54756e65, key: 0x4b657931, tempo: 0x54656d70, form: 0x466f726d, drums: 0x4472756d };

// Sections by name: where their notes come from. `piece` is one of the tune's compositions (A, B,
// A2, B2: ai/ model jobs; A2 restates A's motif over A's chords, B2 B's over B's), `bars` how many
// of its bars, `melody` whether the melody sounds (the intro is chords alone), `drums` whether
// the drums play.
export const SECTIONS = {
  intro: { piece: 'A', bars: INTRO_BARS, melody: false, drums: false },
  A: { piece: 'A', bars: SECTION_BARS, melody: true, drums: true },
  "A'": { piece: 'A2', bars: SECTION_BARS, melody: true, drums: true },
  B: { piece: 'B', bars: SECTION_BARS, melody: true, drums: true },
  "B'": { piece: 'B2', bars: SECTION_BARS, melody: true, drums: true },
  outro: { piece: null, bars: OUTRO_BARS, melody: true, drums: false },
};

// The forms a tune may take, with their weights. 38 to 46 bars: 1.6 to 3.1 minutes at 60-95 bpm.
export const FORMS = [
  { sections: ['intro', 'A', "A'", 'B', 'A', 'outro'], weight: 4 },
  { sections: ['intro', 'A', "A'", 'B', "B'", 'A', 'outro'], weight: 2 },
  { sections: ['intro', 'A', 'B', "A'", 'B', 'A', 'outro'], weight: 1 },
  { sections: ['intro', 'A', "A'", 'B', "A'", 'outro'], weight: 2 },
];

const mod = (n, m) => ((n % m) + m) % m;
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

// The model writes in C major / A minor; a key is that moved by `shift` (-6..5 semitones, as
// theory's keyShiftToC gives it), so the tonic is C or A moved back.
export function keyOf(shift, mode) {
  const tonic = mod((mode === 'minor' ? 9 : 0) - shift, 12);
  return { shift, mode, tonic, name: keyName(tonic, mode) };
}

// -6..5, a tritone written -6.
const wrapShift = (shift) => mod(shift + 6, 12) - 6;

// The keys a tune may move to from `key`: the same, the relative (the other mode on the same
// signature) unless the mode is fixed, a fifth up or down (one sharp or flat more).
export function relatedKeys(key, { fixedMode = false } = {}) {
  const keys = [key];
  if (!fixedMode) keys.push(keyOf(key.shift, key.mode === 'major' ? 'minor' : 'major'));
  keys.push(keyOf(wrapShift(key.shift - 7), key.mode), keyOf(wrapShift(key.shift + 7), key.mode));
  return keys;
}

// How two keys relate: 'same', 'relative', 'fifth', or null (not related).
export function keyRelation(a, b) {
  if (a.tonic === b.tonic && a.mode === b.mode) return 'same';
  if (a.shift === b.shift && a.mode !== b.mode) return 'relative';
  if (a.mode === b.mode && (mod(a.tonic - b.tonic, 12) === 7 || mod(b.tonic - a.tonic, 12) === 7)) return 'fifth';
  return null;
}

function weighted(rng, items, weightOf) {
  const total = items.reduce((sum, item) => sum + weightOf(item), 0);
  let x = rng() * total;
  for (const item of items) {
    x -= weightOf(item);
    if (x < 0) return item;
  }
  return items[items.length - 1];
}

// A tune's sections with their first bar: [{name, bar, bars}].
export function layout(sections) {
  let bar = 0;
  return sections.map((name) => {
    const section = { name, bar, bars: SECTIONS[name].bars };
    bar += section.bars;
    return section;
  });
}

// The tempo range for the options: a mood's bpm give or take a little, else a relaxed default.
export function tempoRange(mood) {
  if (mood?.bpm) {
    const bpm = clamp(Math.round(mood.bpm), TEMPO_RANGE.min, TEMPO_RANGE.max);
    return { low: clamp(bpm - MOOD_TEMPO_SPAN, TEMPO_RANGE.min, TEMPO_RANGE.max), high: clamp(bpm + MOOD_TEMPO_SPAN, TEMPO_RANGE.min, TEMPO_RANGE.max) };
  }
  return DEFAULT_TEMPO;
}

// The tunes' seeds: independent streams of the station's seed.
export function tuneSeed(stationSeed, index) {
  return Math.floor(derivedRng(stationSeed, (SALT.tune + index) >>> 0)() * 4294967296) >>> 0;
}

// options:
//   seed: the station's (a number or a word);
//   key: {shift, mode} of the listener's chords (music/progression.js makeProgression), or null:
//     then every tune is in that key;
//   mood: {mode, bpm, drums} (music/mood.js moodFromText) or null;
//   patterns: the drum pattern ids there are; drums: the first tune's pattern (null: no drums).
// Returns plan(index) -> the tune's skeleton, computed in order and remembered:
//   {index, seed, key: {shift, mode, tonic, name}, bpm, drums, form: [{name, bar, bars}], bars}.
export function createStationPlan({ seed = 1, key = null, mood = null, patterns = [], drums = null } = {}) {
  const stationSeed = seedToUint32(seed);
  const range = tempoRange(mood);
  const fixedMode = Boolean(mood?.mode);
  const tunes = [];

  function first(rng) {
    if (key) return keyOf(key.shift, key.mode);
    const mode = mood?.mode ?? (rng() < 0.5 ? 'major' : 'minor');
    return keyOf(-6 + Math.floor(rng() * 12), mode);
  }

  function make(index) {
    const before = tunes[index - 1] ?? null;
    const rng = (salt) => derivedRng(stationSeed, (salt + index * 0x10001) >>> 0);
    const keyRng = rng(SALT.key);
    // Staying in the same key is a rare move, going back to the key of two tunes ago rarer: a
    // new tune should sound new, and the keys should wander rather than rock between two.
    const twoBefore = tunes[index - 2] ?? null;
    const weight = (k) => (k === before.key ? 1 : twoBefore && k.name === twoBefore.key.name ? 0.5 : 2);
    const tuneKey = key ? keyOf(key.shift, key.mode) : before ? weighted(keyRng, relatedKeys(before.key, { fixedMode }), weight) : first(keyRng);
    const tempoRng = rng(SALT.tempo);
    let bpm;
    if (!before) bpm = range.low + Math.floor(tempoRng() * (range.high - range.low + 1));
    else {
      // 2 to 6 bpm up or down, a drift, never a jump; up more often in the lower half of the
      // range and down in the upper, so the tempo wanders through the range instead of sticking
      // at its ends.
      const centre = (range.low + range.high) / 2;
      const half = Math.max(1, (range.high - range.low) / 2);
      const up = clamp(0.5 + (0.45 * (centre - before.bpm)) / half, 0.05, 0.95);
      const step = (tempoRng() < up ? 1 : -1) * (2 + Math.floor(tempoRng() * 5));
      bpm = clamp(before.bpm + step, Math.max(range.low, before.bpm - MAX_TEMPO_STEP), Math.min(range.high, before.bpm + MAX_TEMPO_STEP));
    }
    const form = layout(weighted(rng(SALT.form), FORMS, (f) => f.weight).sections);
    const drumRng = rng(SALT.drums);
    let pattern = before ? before.drums : drums;
    if (before && pattern !== null && patterns.length > 1 && drumRng() < PATTERN_CHANGE) {
      const others = patterns.filter((id) => id !== pattern);
      pattern = others[Math.floor(drumRng() * others.length)];
    }
    const bars = form.reduce((sum, s) => sum + s.bars, 0);
    return { index, seed: tuneSeed(stationSeed, index), key: tuneKey, bpm, drums: pattern, form, bars };
  }

  return {
    seed: stationSeed,
    tune(index) {
      if (!Number.isInteger(index) || index < 0) throw new Error(`a tune index is a whole number from 0, not ${index}`);
      while (tunes.length <= index) tunes.push(make(tunes.length));
      return tunes[index];
    },
  };
}

// How long a tune plays, in seconds (4/4).
export const tuneSeconds = (tune) => (tune.bars * 4 * 60) / tune.bpm;
