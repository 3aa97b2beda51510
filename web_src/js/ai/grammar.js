// The lead-sheet token grammar, enforced while the model writes (builder/grammar.py holds the
// same rules for the build's measures; tests/test_grammar_parity.py checks the two agree).
//
// A piece is "<s>", its style ("#lofi"), then per bar its bar line ("|1".."|8": the bar's place in
// its phrase), an optional chord token "@P:F", and melody events (an event
// token "nMIDI", "~" or "r", then a length token "dK" in sixteenths) that fill the bar exactly,
// then "</s>". The model never has to count: the grammar forces the frame tokens, forces the
// listener's chords at their changes (follow mode) or lets the model write one chord at a bar
// line or half bar (free mode), and only offers lengths that end by the next bar line or chord
// change. On strong beats, notes of the sounding chord get a mild bonus (chordToneBias).

import theory from '../music/theory.json' with { type: 'json' };
import { barToken, readToken } from '../music/tokens.js';
import { sampleIndex } from './sampling.js';

const { START, END, BAR } = theory.leadsheet.tokens;
const STYLES = theory.leadsheet.styles;

// Each vocabulary token's role, computed once per vocabulary: music/tokens.js readToken's kind
// ('start', 'end', 'bar', 'style', 'tie', 'rest', 'chord', 'note', 'length'), or 'other' for a token
// it refuses ("n128", "@foo", "d0").
export function classifyVocab(vocab) {
  const kinds = new Array(vocab.length);
  const index = new Map();
  const lengths = new Map(); // id -> sixteenths
  const notes = new Map(); // id -> midi
  vocab.forEach((token, id) => {
    index.set(token, id);
    const read = readToken(token);
    kinds[id] = read?.kind ?? 'other';
    if (read?.kind === 'note') notes.set(id, read.midi);
    else if (read?.kind === 'length') lengths.set(id, read.sixteenths);
  });
  return { vocab, kinds, index, lengths, notes };
}

// What the grammar allows next: {forced: id} or {allowed: ids (ascending), bonus: Map id -> logit bonus}.
export class LeadSheetGrammar {
  // classes: classifyVocab(vocab). bars: how many bars to write. meter: "4/4", "3/4"...; barLength:
  // its sixteenths a bar.
  // changes: null (free mode) or [{step, token}] sorted by step, steps in sixteenths from the start;
  //   every token must be in the vocabulary (the caller maps symbols to their nearest family).
  // chordPitchClasses(token) -> pitch classes that count as chord tones (for the bonus).
  // style: the collection the piece is asked to sound like ('lofi'), forced right after "<s>" when
  //   the vocabulary has its token (older models have none).
  constructor(classes, { bars, meter = '4/4', barLength = 16, changes = null, chordToneBias = theory.leadsheet.chordToneBias, chordPitchClasses = () => [], style = 'lofi' }) {
    this.c = classes;
    this.bars = bars;
    this.barLength = barLength;
    this.follow = Array.isArray(changes);
    this.changes = this.follow ? normaliseChanges(changes, bars * barLength).map((change) => ({ step: change.step, id: this.#id(change.token) })) : [];
    this.nextChange = 0; // index of the first change not written yet
    this.chordToneBias = chordToneBias;
    this.strongBeats = new Set(theory.leadsheet.strongBeats[meter] ?? [0]);
    this.chordPitchClasses = chordPitchClasses;
    this.bar = -1;
    this.pos = 0;
    this.expect = 'start'; // start | style | bar | event | length | done
    this.lastEvent = null; // 'note' | 'tie' | 'rest' | null
    this.chordAt = -1; // position in this bar of the chord written there, if any
    this.chord = null; // the token of the chord sounding now
    this.byKind = groupByKind(classes);
    this.styleId = STYLES[style] === undefined ? undefined : this.c.index.get(STYLES[style]);
  }

  #id(token) {
    const id = this.c.index.get(token);
    if (id === undefined) throw new Error(`"${token}" is not in the model's vocabulary`);
    return id;
  }

  get done() {
    return this.expect === 'done';
  }

  get step() {
    return this.bar * this.barLength + this.pos;
  }

  // The bar line naming the bar's place in its phrase ("|1"...), or a bare "|" for a model trained without.
  #barLine(bar) {
    return this.c.index.get(barToken(bar)) ?? this.#id(BAR);
  }

  // Where the event being written must end at the latest: the bar line, or the next chord change.
  #boundary() {
    let boundary = this.barLength;
    if (this.follow) {
      const change = this.changes[this.nextChange];
      if (change) boundary = Math.min(boundary, change.step - this.bar * this.barLength);
    }
    return boundary;
  }

  next() {
    switch (this.expect) {
      case 'start':
        return { forced: this.#id(START) };
      case 'style':
        return { forced: this.styleId };
      case 'bar':
        return { forced: this.bar + 1 >= this.bars ? this.#id(END) : this.#barLine(this.bar + 1) };
      case 'length': {
        const room = this.#boundary() - this.pos;
        const fitting = this.byKind.length.filter((id) => this.c.lengths.get(id) <= room);
        // A vocabulary without a length short enough (a tiny corpus) gets its shortest one.
        return { allowed: fitting.length ? fitting : this.byKind.length.slice(0, 1), bonus: null };
      }
      case 'event':
        return this.#nextEvent();
      default:
        throw new Error('the piece is finished');
    }
  }

  #nextEvent() {
    if (this.follow) {
      const change = this.changes[this.nextChange];
      if (change && change.step === this.step) return { forced: change.id };
    }
    const chordHere = !this.follow && this.chordAt !== this.pos && (this.pos === 0 || this.pos * 2 === this.barLength);
    if (!this.follow && this.bar === 0 && this.pos === 0 && this.chordAt !== 0) {
      return { allowed: this.byKind.chord, bonus: null }; // a free piece opens on a chord
    }
    const allowed = [...this.byKind.note, ...this.byKind.rest];
    if (this.lastEvent === 'note' || this.lastEvent === 'tie') allowed.push(...this.byKind.tie);
    if (chordHere) allowed.push(...this.byKind.chord);
    allowed.sort((a, b) => a - b);
    return { allowed, bonus: this.#chordToneBonus() };
  }

  #chordToneBonus() {
    if (!this.chordToneBias || !this.strongBeats.has(this.pos) || this.chord === null) return null;
    const tones = new Set(this.chordPitchClasses(this.c.vocab[this.chord]));
    const bonus = new Map();
    for (const id of this.byKind.note) if (tones.has(this.c.notes.get(id) % 12)) bonus.set(id, this.chordToneBias);
    return bonus;
  }

  // Takes the token written (forced or sampled); throws if the grammar does not allow it.
  accept(id) {
    const kind = this.c.kinds[id];
    const step = this.next();
    if (step.forced !== undefined ? step.forced !== id : !step.allowed.includes(id)) {
      throw new Error(`"${this.c.vocab[id]}" is not allowed here (bar ${this.bar + 1}, sixteenth ${this.pos})`);
    }
    switch (kind) {
      case 'start':
        this.expect = this.styleId === undefined ? 'bar' : 'style';
        break;
      case 'style':
        this.expect = 'bar';
        break;
      case 'end':
        this.expect = 'done';
        break;
      case 'bar':
        this.bar += 1;
        this.pos = 0;
        this.chordAt = -1;
        this.expect = 'event';
        break;
      case 'chord':
        this.chord = id;
        this.chordAt = this.pos;
        if (this.follow) this.nextChange += 1;
        break;
      case 'note':
      case 'tie':
      case 'rest':
        this.lastEvent = kind;
        this.expect = 'length';
        break;
      case 'length':
        this.pos = Math.min(this.pos + this.c.lengths.get(id), this.#boundary());
        this.expect = this.pos >= this.barLength ? 'bar' : 'event';
        break;
      default:
        throw new Error(`"${this.c.vocab[id]}" is not a lead-sheet token`);
    }
  }
}

// The tokens every piece of `vocab` opens with before its first chord or note: its style (when the
// model knows styles) and its first bar line. What a prefix that names the opening chord starts with.
export function openingTokens(vocab, style = 'lofi') {
  const out = [];
  if (vocab.includes(STYLES[style])) out.push(STYLES[style]);
  out.push(vocab.includes(barToken(0)) ? barToken(0) : BAR);
  return out;
}

// The token to write next: the forced one, or one drawn from the allowed tokens only (their
// logits plus the chord-tone bonus), so top-k and top-p never count a forbidden token.
export function chooseToken(step, logits, sampling, rng) {
  if (step.forced !== undefined) return step.forced;
  const scores = new Float64Array(step.allowed.length);
  step.allowed.forEach((id, i) => (scores[i] = logits[id] + (step.bonus?.get(id) ?? 0)));
  return step.allowed[sampleIndex(scores, sampling, rng)];
}

// Sorted by step, one change per step (the last one given wins), none past the end.
function normaliseChanges(changes, totalSteps) {
  const byStep = new Map();
  for (const change of changes) {
    if (Number.isInteger(change.step) && change.step >= 0 && change.step < totalSteps) byStep.set(change.step, change);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

function groupByKind(classes) {
  const groups = { note: [], rest: [], tie: [], chord: [], length: [] };
  classes.kinds.forEach((kind, id) => groups[kind]?.push(id));
  groups.length.sort((a, b) => classes.lengths.get(a) - classes.lengths.get(b) || a - b);
  return groups;
}
