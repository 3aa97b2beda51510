// A station tune written by the model: its pieces composed one after the other in the worker, and
// laid out in the tune's form (station/plan.js) as they stream in, so the tune can start playing
// as soon as its first bar is written.
//
// The pieces (8 bars each, lead sheets as ai/piece.js builds them):
// - A: over the listener's chords, or (none given) the model's own chords, opening on the tonic
//   chord of the planned key (a prefix token), in that key;
// - A2: a new melody over A's chords that opens with A's first two bars (the motif), so A' is A
//   varied; B and B2 likewise, B over contrasting chords: the listener's a fourth up, or the
//   model's own opening on IV or vi (iv or VI in minor).
// A section plays its melody from its own piece and its backing (chords, bass) from the piece it
// varies, so A and A' share their comping. The outro holds the tonic chord under the tonic.

import { SECTIONS } from './plan.js';
import { tuneDrums } from './drums.js';
import { createPieceBuilder } from '../ai/piece.js';
import { LeadSheetGrammar, classifyVocab, openingTokens } from '../ai/grammar.js';
import { progressionPlan } from '../ai/compose.js';
import { derivedRng } from '../ai/sampling.js';
import { familyChord, midiToNoteName, readToken, sixteenthsToTransport, voiceChord } from '../music/theory.js';
import { noteToMidi } from '../music/pitch.js';
import theory from '../music/theory.json' with { type: 'json' };

const BAR = 16; // the station is in 4/4
const PIECE_BARS = 8;
const MOTIF_BARS = 2;
const { START } = theory.leadsheet.tokens;
const CHORD_PREFIX = theory.leadsheet.chordPrefix;
const LENGTH = new RegExp(`^${theory.leadsheet.lengthPrefix}\\d+$`);
const PIECE_SALT = { A: 0x50634131, A2: 0x50634132, B: 0x50634231, B2: 0x50634232 };
const BACKING = { A: 'A', A2: 'A', B: 'B', B2: 'B' }; // whose chords a piece's section plays
// The chord tokens (in C major / A minor) a piece opens on.
const OPENING = {
  A: { major: ['@0:maj7'], minor: ['@9:m7'] },
  B: { major: ['@5:maj7', '@9:m7'], minor: ['@2:m7', '@5:maj7'] },
};
const OUTRO_VELOCITY = { chords: [0.42, 0.3], bass: [0.7, 0.5], melody: 0.6 };
const MELODY_HOME = 72; // the outro's tonic lands near C5 unless the tune's melody sits elsewhere

const mod = (n, m) => ((n % m) + m) % m;

// The pieces a form needs, in the order they are written (a variation after its model).
export function piecesOf(form) {
  const wanted = new Set(form.map((s) => SECTIONS[s.name].piece).filter(Boolean));
  return ['A', 'A2', 'B', 'B2'].filter((p) => wanted.has(p) || (wanted.has(`${p}2`) && !p.endsWith('2')));
}

// The tokens of a piece's first `bars` bars, after "<s>": what a variation restates. With
// `changes` ([{step, token}]: the chords the variation is told, FOLLOW mode) a chord token is kept
// only where it is one of them: a free piece may write a chord again where it already sounds, which
// changes nothing there and which the variation's grammar would refuse.
export function motifTokens(tokens, bars = MOTIF_BARS, changes = null) {
  const told = changes ? new Set(changes.map((c) => `${c.step} ${c.token}`)) : null;
  const out = [];
  let barLines = 0;
  let step = 0;
  for (const token of tokens.slice(1)) {
    if (readToken(token)?.kind === 'bar') {
      if (++barLines > bars) break;
      step = (barLines - 1) * BAR;
    } else if (LENGTH.test(token)) step += Number(token.slice(1));
    else if (told && token.startsWith(CHORD_PREFIX) && !told.has(`${step} ${token}`)) continue;
    out.push(token);
  }
  return out;
}

// Whether the grammar takes `prefix` as the opening of a piece of `plan` (a motif that cannot be
// restated is left out, and the variation is written fresh over the same chords).
const vocabClasses = new Map();
export function prefixFits(prefix, plan, vocab) {
  if (!vocabClasses.has(vocab)) vocabClasses.set(vocab, classifyVocab(vocab));
  const classes = vocabClasses.get(vocab);
  try {
    const grammar = new LeadSheetGrammar(classes, { bars: plan.bars, meter: '4/4', barLength: BAR, changes: plan.changes });
    for (const token of [START, ...prefix]) {
      const id = classes.index.get(token);
      if (id === undefined) return false;
      grammar.accept(id);
    }
    return true;
  } catch {
    return false;
  }
}

// Where a piece's event sounds in the tune: [tune step] for every section that takes it.
export function placements(form, piece, role, step) {
  const out = [];
  for (const section of form) {
    const info = SECTIONS[section.name];
    if (!info.piece) continue;
    const takes = role === 'melody' ? info.melody && info.piece === piece : BACKING[info.piece] === piece;
    if (takes && step < section.bars * BAR) out.push(section.bar * BAR + step);
  }
  return out;
}

// The outro: the tonic chord held two bars under the tonic note, landing near the melody's middle.
export function outroEvents(tune, melodyMidis) {
  const section = tune.form.find((s) => s.name === 'outro');
  if (!section) return { events: [], chord: null };
  const family = tune.key.mode === 'minor' ? 'm7' : 'maj7';
  const chord = familyChord(tune.key.tonic, family);
  const midis = voiceChord(chord);
  const sorted = [...melodyMidis].sort((a, b) => a - b);
  const centre = sorted.length ? sorted[Math.floor(sorted.length / 2)] : MELODY_HOME;
  const top = Math.max(...midis);
  let landing = centre - mod(centre - tune.key.tonic, 12);
  if (centre - landing > 6) landing += 12;
  while (landing <= top) landing += 12;
  const start = section.bar * BAR;
  const events = [];
  for (let i = 0; i < section.bars; i++) {
    const step = start + i * BAR;
    events.push(playable('chords', step, BAR, midis.slice(1), OUTRO_VELOCITY.chords[Math.min(i, 1)]));
    events.push(playable('bass', step, BAR, [midis[0]], OUTRO_VELOCITY.bass[Math.min(i, 1)]));
  }
  events.push(playable('melody', start, section.bars * BAR, [landing], OUTRO_VELOCITY.melody));
  return { events, chord: { step: start, length: section.bars * BAR, symbol: chord.symbol, midis } };
}

function playable(part, step, length, midis, velocity) {
  return { part, step, length, time: sixteenthsToTransport(step, BAR), duration: sixteenthsToTransport(length, BAR), notes: midis.map((m) => midiToNoteName(m)), velocity };
}

// The model's plan for a piece (ai/compose.js shapes): FOLLOW the given chords, or FREE in `shift`.
// progression: the listener's, as read where it entered (music/progression.js makeProgression):
// its chords and key are used as read, B's moved a fourth up, never read again from its text.
export function piecePlan({ name, tune, progression, vocab, done = {} }) {
  const base = { bars: PIECE_BARS, barLength: BAR, mapped: [] };
  if (name === 'A2' || name === 'B2') {
    const model = done[name[0]];
    // Its model's chords as heard: the piece builder folds the melody's register over their
    // voicings, so the restated motif comes out at its model's pitches (the section plays A's or
    // B's backing, BACKING, not these).
    return { ...base, mode: 'follow', shift: model.plan.shift, key: model.result.key, changes: model.result.changes, chords: model.result.chords };
  }
  if (progression) {
    const up = name === 'B' ? 5 : 0; // B: the listener's chords a fourth up
    return progressionPlan(progression, { bars: PIECE_BARS, vocab, barLength: BAR, up });
  }
  return { ...base, mode: 'free', shift: tune.key.shift, key: null, changes: null, chords: null };
}

function prefixFor({ name, tune, plan, vocab, done }) {
  if (name === 'A2' || name === 'B2') {
    const motif = motifTokens(done[name[0]].result.tokens, MOTIF_BARS, plan.changes);
    return prefixFits(motif, plan, vocab) ? motif : [];
  }
  if (plan.mode !== 'free') return [];
  const choices = OPENING[name][tune.key.mode].filter((token) => vocab.includes(token));
  if (!choices.length) return [];
  const pick = Math.floor(derivedRng(tune.seed, PIECE_SALT[name])() * choices.length);
  return [...openingTokens(vocab), choices[pick]];
}

// A stream of the tune's events while it is written: {tune, events, listeners, done, failed,
// promise (-> the whole tune, tuneResult's), firstEvent, cancel()}.
// options: {generator (compose(options, onToken) -> {id, promise}, cancel(id)), vocab, sampling
// ({temperature, topK, topP}), progression (music/progression.js makeProgression, or null),
// pattern (the tune's drum pattern entry from media.json, or null)}.
export function composeTune(tune, { generator, vocab, sampling = {}, progression = null, pattern = null }) {
  const drums = tuneDrums(tune, pattern);
  let first;
  const stream = { tune, events: [], drums, listeners: new Set(), done: false, failed: false, result: null, cancelled: false };
  stream.firstEvent = new Promise((resolve) => (first = resolve));
  let running = null; // the worker job being written
  stream.cancel = () => {
    stream.cancelled = true;
    if (running) generator.cancel(running);
  };
  const emit = (events) => {
    if (!events.length) return;
    stream.events.push(...events);
    for (const event of events) for (const listener of stream.listeners) listener(event);
    first(true);
  };
  const place = (piece, events) => {
    const out = [];
    for (const event of events) {
      for (const step of placements(tune.form, piece, event.part, event.step)) {
        out.push({ ...event, step, time: sixteenthsToTransport(step, BAR) });
      }
    }
    emit(out);
  };

  const done = {};
  async function write(name) {
    const plan = piecePlan({ name, tune, progression, vocab, done });
    const prefix = prefixFor({ name, tune, plan, vocab, done });
    const seed = (tune.seed ^ PIECE_SALT[name]) >>> 0;
    const builder = createPieceBuilder(plan, { seed });
    place(name, builder.events); // FOLLOW mode: the backing is known before any token
    if (stream.cancelled) throw new Error('cancelled');
    const job = generator.compose({ ...sampling, bars: PIECE_BARS, meter: '4/4', changes: plan.changes, prefix, seed }, (token) => place(name, builder.push(token)));
    running = job.id;
    await job.promise;
    running = null;
    done[name] = { plan, result: builder.result() };
  }

  stream.promise = (async () => {
    try {
      for (const name of piecesOf(tune.form)) await write(name);
      const melody = stream.events.filter((e) => e.part === 'melody').map((e) => noteToMidi(e.notes[0]));
      const outro = outroEvents(tune, melody);
      emit(outro.events ?? []);
      stream.result = tuneResult(tune, stream.events, done, outro.chord ?? null, drums);
      stream.done = true;
      first(true);
      return stream.result;
    } catch (err) {
      stream.done = true;
      stream.failed = true;
      first(null);
      throw err;
    }
  })();
  stream.promise.catch(() => {});
  return stream;
}

// The tune as lofi.station() gives it: {index, seed, key, mode, bpm, bars, drums, sections,
// chords: [{step, length, symbol, midis}], melody: [{step, length, midi}]}, steps in sixteenths
// from the tune's start; `events` (what plays) and `drumHits` are there for the player and exports.
export function tuneResult(tune, events, done, outroChord, drums = []) {
  const chords = [];
  for (const section of tune.form) {
    const info = SECTIONS[section.name];
    if (!info.piece) continue;
    const backing = done[BACKING[info.piece]]?.result;
    for (const c of backing?.chords ?? []) {
      if (c.step >= section.bars * BAR) continue;
      chords.push({ step: section.bar * BAR + c.step, length: Math.min(c.length, section.bars * BAR - c.step), symbol: c.symbol, midis: [...c.midis] });
    }
  }
  if (outroChord) chords.push(outroChord);
  chords.sort((a, b) => a.step - b.step);
  const sorted = [...events].sort((a, b) => a.step - b.step);
  return {
    index: tune.index,
    seed: tune.seed,
    key: tune.key.name,
    mode: tune.key.mode,
    bpm: tune.bpm,
    bars: tune.bars,
    drums: tune.drums,
    sections: tune.form.map(({ name, bar, bars }) => ({ name, bar, bars })),
    chords,
    melody: sorted.filter((e) => e.part === 'melody').map((e) => ({ step: e.step, length: e.length, midi: noteToMidi(e.notes[0]) })),
    events: sorted.map((e) => ({ ...e, notes: [...e.notes] })),
    drumHits: drums.map((hit) => ({ ...hit })),
  };
}
