// Primers: music turned into model tokens, fed to the LSTM before it writes a solo, so the solo
// continues that music. Two sources:
// - a song's opening (songPrimer): its first bars, sliced on the sixteenth grid the way the corpus
//   stage chordifies MIDI (builder/corpus.py encode_timed);
// - a chord list from the listener (chordsToPrimer(["Dm7", "G7"])), with a small chord-symbol parser.
// Every primer token is a token of the model's vocabulary: an event the vocabulary lacks becomes
// its nearest token (the same pitch classes, else the most shared pitch classes; then the nearest
// length). Chords are matched by their pitch-class set, so the spelling of the normal order never
// has to agree with music21's.

import { noteToMidi } from './pitch.js';
import { splitToken } from './decode.js';

const START = '<s>';
const LONGEST = 16; // sixteenths; the corpus caps slice lengths at a whole note (builder/corpus.py)

// ---- chord symbols --------------------------------------------------------------------------

const LETTER_PC = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

// Suffix -> intervals above the root, in semitones. Longest suffixes are tried first.
const QUALITIES = {
  '': [0, 4, 7],
  maj: [0, 4, 7],
  M: [0, 4, 7],
  m: [0, 3, 7],
  min: [0, 3, 7],
  '-': [0, 3, 7],
  dim: [0, 3, 6],
  o: [0, 3, 6],
  aug: [0, 4, 8],
  '+': [0, 4, 8],
  sus2: [0, 2, 7],
  sus4: [0, 5, 7],
  sus: [0, 5, 7],
  5: [0, 7],
  6: [0, 4, 7, 9],
  m6: [0, 3, 7, 9],
  7: [0, 4, 7, 10],
  '7sus4': [0, 5, 7, 10],
  maj7: [0, 4, 7, 11],
  M7: [0, 4, 7, 11],
  'Δ': [0, 4, 7, 11],
  m7: [0, 3, 7, 10],
  min7: [0, 3, 7, 10],
  '-7': [0, 3, 7, 10],
  mM7: [0, 3, 7, 11],
  mmaj7: [0, 3, 7, 11],
  m7b5: [0, 3, 6, 10],
  'ø': [0, 3, 6, 10],
  dim7: [0, 3, 6, 9],
  o7: [0, 3, 6, 9],
  aug7: [0, 4, 8, 10],
  '7#5': [0, 4, 8, 10],
  '7b5': [0, 4, 6, 10],
  '7b9': [0, 4, 7, 10, 13],
  '7#9': [0, 4, 7, 10, 15],
  add9: [0, 4, 7, 14],
  madd9: [0, 3, 7, 14],
  9: [0, 4, 7, 10, 14],
  maj9: [0, 4, 7, 11, 14],
  m9: [0, 3, 7, 10, 14],
  11: [0, 4, 7, 10, 14, 17],
  m11: [0, 3, 7, 10, 14, 17],
  13: [0, 4, 7, 10, 14, 21],
  maj13: [0, 4, 7, 11, 14, 21],
  m13: [0, 3, 7, 10, 14, 21],
};
const SUFFIXES = Object.keys(QUALITIES).sort((a, b) => b.length - a.length);

// "Dm7" -> {root: 2, pcs: [2, 5, 9, 0], bass: 2}; "C/E" -> bass 4; null for anything else.
export function parseChordSymbol(symbol) {
  const match = /^\s*([A-Ga-g])([#b♯♭]?)(.*?)(?:\/([A-Ga-g])([#b♯♭]?))?\s*$/.exec(String(symbol));
  if (!match) return null;
  const [, letter, accidental, rest, bassLetter, bassAccidental] = match;
  const pc = (l, a) => (LETTER_PC[l.toUpperCase()] + (a === '#' || a === '♯' ? 1 : a === 'b' || a === '♭' ? -1 : 0) + 12) % 12;
  const root = pc(letter, accidental);
  const suffix = rest.replace(/[()\s]/g, '');
  const known = SUFFIXES.find((s) => s === suffix);
  if (known === undefined) return null;
  const pcs = [...new Set(QUALITIES[known].map((i) => (root + i) % 12))];
  const bass = bassLetter ? pc(bassLetter, bassAccidental) : root;
  if (!pcs.includes(bass)) pcs.unshift(bass);
  return { root, bass, pcs };
}

// ---- the vocabulary, indexed for nearest-token lookups ---------------------------------------

// Pitch classes of a token's base: "0.4.7" -> [0, 4, 7]; "E4" -> [4]; rests and frames -> null.
function describeBase(base) {
  if (base.toLowerCase() === 'r') return { kind: 'rest', pcs: [] };
  if (/^\d{1,2}(\.\d{1,2})*$/.test(base)) {
    const pcs = base.split('.').map(Number);
    if (pcs.some((p) => p > 11)) return null;
    return { kind: pcs.length > 1 ? 'chord' : 'note', pcs: [...new Set(pcs)], midi: null };
  }
  const midi = noteToMidi(base);
  return midi === null ? null : { kind: 'note', pcs: [midi % 12], midi };
}

const indexCache = new WeakMap();

function vocabIndex(vocab) {
  if (indexCache.has(vocab)) return indexCache.get(vocab);
  const entries = [];
  for (const token of vocab) {
    const { base, length } = splitToken(token);
    const info = describeBase(base);
    if (info) entries.push({ token, length, ...info, key: [...info.pcs].sort((a, b) => a - b).join('.') });
  }
  const index = { entries, timed: entries.some((e) => e.length !== null), hasStart: vocab.includes(START) };
  indexCache.set(vocab, index);
  return index;
}

function lengthPenalty(wanted, have) {
  if (wanted === null || have === null) return 0;
  return Math.abs(Math.log2(wanted) - Math.log2(have));
}

// The vocabulary token nearest to an event {kind, pcs, midi, length}.
export function nearestToken(vocab, event) {
  const { entries, timed } = vocabIndex(vocab);
  const length = timed ? Math.min(LONGEST, Math.max(1, event.length ?? 4)) : null;
  const wantKey = [...event.pcs].sort((a, b) => a - b).join('.');
  const wanted = new Set(event.pcs);
  let best = null;
  let bestScore = -Infinity;
  for (const entry of entries) {
    let score;
    if (event.kind === 'rest' || entry.kind === 'rest') {
      if (event.kind !== entry.kind) continue;
      score = 0;
    } else {
      // Shared pitch classes first (Jaccard), then the exact note for single notes.
      let shared = 0;
      for (const pc of entry.pcs) if (wanted.has(pc)) shared++;
      score = shared / (wanted.size + entry.pcs.length - shared);
      if (entry.key === wantKey) score += 1;
      if (event.kind === 'note' && entry.midi !== null && event.midi != null) score -= Math.abs(entry.midi - event.midi) / 1000;
    }
    score -= lengthPenalty(length, entry.length) / 100;
    if (score > bestScore) {
      bestScore = score;
      best = entry.token;
    }
  }
  return best;
}

// ---- primers ---------------------------------------------------------------------------------

function eventFromMidis(midis, length) {
  const sorted = [...midis].sort((a, b) => a - b);
  const pcs = [...new Set(sorted.map((m) => ((m % 12) + 12) % 12))];
  if (pcs.length === 0) return { kind: 'rest', pcs: [], length };
  // Octaves only count as a single note, as in the corpus (its lowest pitch).
  if (pcs.length === 1) return { kind: 'note', pcs, midi: sorted[0], length };
  return { kind: 'chord', pcs, length };
}

function withStart(vocab, tokens) {
  return vocabIndex(vocab).hasStart ? [START, ...tokens] : tokens;
}

// ["Dm7", "G7", ...] -> primer tokens: "<s>" (when the vocabulary has it), then one chord token per
// symbol, each lasting `sixteenths` (a 4/4 bar by default). Throws on a symbol it cannot read.
export function chordsToPrimer(chords, vocab, { sixteenths = 16 } = {}) {
  const list = typeof chords === 'string' ? chords.split(/[\s|,]+/).filter(Boolean) : [...chords];
  const tokens = list.map((symbol) => {
    const chord = parseChordSymbol(symbol);
    if (!chord) throw new Error(`unknown chord symbol "${symbol}"`);
    return nearestToken(vocab, { kind: 'chord', pcs: chord.pcs, length: sixteenths });
  });
  return withStart(vocab, tokens);
}

// Tone TransportTime "B:Q:S" -> sixteenths.
function timeToSteps(time, quartersPerBar) {
  const [bars = 0, quarters = 0, sixteenths = 0] = String(time).split(':').map(Number);
  return Math.round((bars * quartersPerBar + quarters) * 4 + sixteenths);
}

// A song's first `bars` bars -> primer tokens. Its chord parts (parts whose events are mostly
// chords) are sliced on the sixteenth grid, like the corpus stage's chordify: every change of the
// sounding pitches starts a new token; lengths are capped at a whole note; leading and trailing
// rests are dropped. A song with no chord part is sliced whole.
export function songPrimer(song, vocab, { bars = 4 } = {}) {
  const [beats, unit] = song.timeSignature || [4, 4];
  const quartersPerBar = (beats * 4) / unit;
  const total = Math.max(1, Math.round(bars * quartersPerBar * 4));
  const parts = song.parts || [];
  const chordParts = parts.filter((p) => {
    const events = p.events || [];
    return events.length > 0 && events.filter((e) => (e.notes || []).length > 1).length * 2 >= events.length;
  });
  const sounding = Array.from({ length: total }, () => new Set());
  for (const part of chordParts.length ? chordParts : parts) {
    for (const event of part.events || []) {
      const start = timeToSteps(event.time, quartersPerBar);
      const end = start + Math.max(1, timeToSteps(event.duration, quartersPerBar));
      const midis = (event.notes || []).map(noteToMidi).filter((m) => m !== null);
      for (let s = Math.max(0, start); s < Math.min(end, total); s++) for (const m of midis) sounding[s].add(m);
    }
  }
  const slices = [];
  for (let s = 0; s < total; s++) {
    const key = [...sounding[s]].sort((a, b) => a - b).join(',');
    const last = slices[slices.length - 1];
    if (last && last.key === key && last.length < LONGEST) last.length++;
    else slices.push({ key, midis: [...sounding[s]], length: 1 });
  }
  while (slices.length && slices[0].midis.length === 0) slices.shift();
  while (slices.length && slices[slices.length - 1].midis.length === 0) slices.pop();
  const tokens = slices.map((slice) => nearestToken(vocab, eventFromMidis(slice.midis, slice.length)));
  if (!tokens.length) throw new Error(`song "${song.id}" has no notes in its first ${bars} bars`);
  return withStart(vocab, tokens);
}
