// Primers: music turned into model tokens, fed to the LSTM before it writes a solo, so the solo
// continues that music. Two sources:
// - a song's opening (songPrimer): its first bars, sliced on the sixteenth grid the way the corpus
//   stage chordifies MIDI (builder/timed.py encode_timed);
// - a chord list from the listener (chordsToPrimer(["Dm7", "G7"]) or a progression's text,
//   chordsToPrimer("Dm7 G7 | C")), read by music/theory.js and music/progression.js.
// Every primer token is a token of the model's vocabulary: an event the vocabulary lacks becomes
// its nearest token (the same pitch classes, else the most shared pitch classes; then the nearest
// length). Chords are matched by their pitch-class set, so the spelling of the normal order never
// has to agree with music21's.

import { noteToMidi } from '../music/pitch.js';
import { splitToken } from './decode.js';
import { parseProgression } from '../music/progression.js';
import { parseChordSymbol, sixteenthsPerBar } from '../music/theory.js';

const START = '<s>';
const LONGEST = 16; // sixteenths; the corpus caps slice lengths at a whole note (builder/timed.py)

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
// symbol ("N.C." a rest), each lasting `sixteenths` (a 4/4 bar by default). One string is read as the
// chord box reads a progression (music/progression.js: "Dm7 G7 | C | %"), a bar lasting `sixteenths`
// and the chords of a bar sharing it. Throws on a symbol or a text it cannot read.
export function chordsToPrimer(chords, vocab, { sixteenths = 16 } = {}) {
  const list = typeof chords === 'string' ? progressionChords(chords, sixteenths) : [...chords].map((symbol) => symbolChord(symbol, sixteenths));
  const tokens = list.map(({ chord, length }) => {
    const event = chord.root === null ? { kind: 'rest', pcs: [] } : { kind: 'chord', pcs: chord.pcs };
    return nearestToken(vocab, { ...event, length });
  });
  return withStart(vocab, tokens);
}

function symbolChord(symbol, length) {
  const chord = parseChordSymbol(symbol);
  if (!chord) throw new Error(`unknown chord symbol "${symbol}"`);
  return { chord, length };
}

// A progression's chords, each lasting its share of a bar of `sixteenths`.
function progressionChords(text, sixteenths) {
  const parsed = parseProgression(text);
  if (parsed.errors.length) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.chords.map((chord) => ({ chord, length: Math.max(1, Math.round((chord.sixteenths * sixteenths) / parsed.barLength)) }));
}

// A song's first `bars` bars -> primer tokens. Its chord parts (parts whose events are mostly
// chords) are sliced on the sixteenth grid, like the corpus stage's chordify: every change of the
// sounding pitches starts a new token; lengths are capped at a whole note; leading and trailing
// rests are dropped. A song with no chord part is sliced whole.
export function songPrimer(song, vocab, { bars = 4 } = {}) {
  const perBar = sixteenthsPerBar(...(song.timeSignature || [4, 4]));
  const total = Math.max(1, Math.round(bars * perBar));
  const parts = song.parts || [];
  const chordParts = parts.filter((p) => {
    const events = p.events || [];
    return events.length > 0 && events.filter((e) => (e.notes || []).length > 1).length * 2 >= events.length;
  });
  const sounding = Array.from({ length: total }, () => new Set());
  for (const part of chordParts.length ? chordParts : parts) {
    for (const event of part.events || []) {
      const start = Math.round(event.step);
      const end = start + Math.max(1, Math.round(event.length));
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

// The primer of a listener's progression (music/progression.js makeProgression): "<s>" then each
// chord, moved to C major / A minor, with its own length.
export function progressionPrimer(progression, vocab) {
  const tokens = progression.parsed.flatMap((chord, i) =>
    chordsToPrimer([progression.modelChords[i]], vocab, { sixteenths: chord.sixteenths }).filter((t) => t !== '<s>'),
  );
  return vocab.includes('<s>') ? ['<s>', ...tokens] : tokens;
}
