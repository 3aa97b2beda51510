// The sampler's preferences over the phrase: logit bonuses that make phrases land, repeated phrases
// take their model bar's rhythm, and strong or long notes avoid a semitone over the chord's voicing.
//
// The LSTM writes bars that are each plausible but does not know that the 4th and 8th bars of a
// phrase should come to rest, so the grammar's state (bar, position, chord) becomes mild bonuses on
// the tokens it allows, as the chord-tone bias is. Constants: theory.json's "leadsheet.shaping" (its
// "_shaping" says what each does). builder/shaping.py is the build's twin and must give the very same
// bonuses (tests/test_grammar_parity.py).
//
// A Shaper remembers what it needs of the piece so far (each bar's note onsets, the note sounding,
// whether the bar has landed): the compose loop calls take() with every token, forced or drawn,
// before the grammar accepts it, and shapeStep() turns the grammar's next step into the one drawn from.

import theory from '../music/theory.json' with { type: 'json' };
import { familyChord, familyPitchClasses, parseChordToken, voiceChord } from '../music/theory.js';

const SHAPING = theory.leadsheet.shaping;
const PHRASE_BARS = theory.leadsheet.phraseBars;

const clashCache = new Map();
const toneCache = new Map();

// Pitch classes a semitone (or a minor 9th) above a tone of the chord token's voicing or of the
// chord itself (a D7 written without extensions is voiced with its 5th, which its family's voicing
// leaves out for the 13th), the chord's own tones left out (a minor 3rd sits a semitone over the
// voiced 9th, and is no clash).
export function clashPitchClasses(token) {
  if (!clashCache.has(token)) {
    const parsed = parseChordToken(token);
    let clashes = new Set();
    if (parsed && parsed[0] !== null) {
      const [root, family] = parsed;
      const tones = new Set(familyPitchClasses(root, family));
      const voiced = new Set([...voiceChord(familyChord(root, family)).map((midi) => midi % 12), ...tones]);
      clashes = new Set([...voiced].map((pc) => (pc + 1) % 12).filter((pc) => !tones.has(pc)));
    }
    clashCache.set(token, clashes);
  }
  return clashCache.get(token);
}

function chordTones(token) {
  if (!toneCache.has(token)) {
    const parsed = parseChordToken(token);
    toneCache.set(token, new Set(parsed && parsed[0] !== null ? familyPitchClasses(parsed[0], parsed[1]) : []));
  }
  return toneCache.get(token);
}

// The model's key: every training piece is moved to C major or A minor, whose scales share these.
const MODEL_SCALE = new Set(theory.keys.scales.major);
const offKeyCache = new Map();

// How many of the chord token's tones lie outside the model's key (none for "@NC").
export function offKeyTones(token) {
  if (!offKeyCache.has(token)) offKeyCache.set(token, [...chordTones(token)].filter((pc) => !MODEL_SCALE.has(pc)).length);
  return offKeyCache.get(token);
}

export class Shaper {
  // classes: grammar.js classifyVocab(vocab).
  constructor(classes, params = SHAPING) {
    this.c = classes;
    this.p = params;
    this.onsets = new Map(); // bar -> where its notes began
    this.bar = -1;
    this.pending = null; // {kind, midi, start} awaiting its length
    this.held = 0; // how long the last note has sounded in this bar (its ties added); 0 after a rest
    this.noteStart = 0; // where in the bar that note began
    this.clashing = false; // that note is a clash over the chord it began on
    this.landed = false; // this bar has a long note, or a quarter and a rest
    this.following = true; // this bar's rhythm is its model bar's so far
  }

  #enter(bar) {
    if (bar !== this.bar) {
      this.bar = bar;
      this.held = 0;
      this.clashing = false;
      this.landed = false;
      this.following = true;
    }
  }

  // {landing: a landing bar, asking: one not landed yet, model: the model bar's onsets or null: null
  // when the bar has already left its model's rhythm, which a bonus could no longer bring back}.
  #place(grammar) {
    const place = (grammar.bar % PHRASE_BARS) + 1;
    const landing = this.p.landingPlaces.includes(place) || grammar.bar === grammar.bars - 1;
    const back = grammar.bar - (this.p.repeatFrom[String(place)] ?? grammar.bar + 1);
    const model = back >= 0 && this.following ? (this.onsets.get(back) ?? []) : null;
    return { landing, asking: landing && !this.landed, model };
  }

  #chordToken(grammar) {
    return grammar.chord === null ? null : this.c.vocab[grammar.chord];
  }

  // Notes a token written (forced or drawn), before the grammar accepts it.
  take(grammar, id) {
    if (grammar.bar < 0) return;
    this.#enter(grammar.bar);
    const kind = this.c.kinds[id];
    if (kind === 'note' || kind === 'rest' || kind === 'tie') {
      this.pending = { kind, midi: this.c.notes.get(id) ?? null, start: grammar.pos };
    } else if (kind === 'length' && this.pending !== null) {
      const { kind: event, midi, start } = this.pending;
      const length = this.c.lengths.get(id);
      const { quarterSixteenths: quarter, landSixteenths: land } = this.p;
      const { model } = this.#place(grammar);
      if (model !== null) {
        this.following = model.includes(start) === (event === 'note') && !model.some((s) => start < s && s < start + length);
      }
      if (event === 'note') {
        if (!this.onsets.has(grammar.bar)) this.onsets.set(grammar.bar, []);
        this.onsets.get(grammar.bar).push(start);
        this.held = length;
        this.noteStart = start;
        const chord = this.#chordToken(grammar);
        this.clashing = chord !== null && clashPitchClasses(chord).has(midi % 12);
        this.landed ||= length >= land;
      } else if (event === 'tie' && this.held) {
        this.held += length;
        this.landed ||= this.held >= land;
      } else if (event === 'rest') {
        this.landed ||= this.held >= quarter && length >= quarter;
        this.held = 0;
        this.clashing = false;
      }
      this.pending = null;
    }
  }

  // Map id -> bonus for the allowed ids that get one (empty when nothing applies).
  bonuses(grammar, allowed) {
    if (grammar.bar < 0) return new Map();
    this.#enter(grammar.bar);
    return grammar.expect === 'length' ? this.#lengthBonuses(grammar, allowed) : this.#eventBonuses(grammar, allowed);
  }

  #eventBonuses(grammar, allowed) {
    const { p } = this;
    const pos = grammar.pos;
    const { asking, model } = this.#place(grammar);
    const strong = grammar.strongBeats.has(pos);
    const chord = this.#chordToken(grammar);
    const tones = chord === null ? new Set() : chordTones(chord);
    const clashes = chord === null ? new Set() : clashPitchClasses(chord);
    const out = new Map();
    for (const id of allowed) {
      const kind = this.c.kinds[id];
      let bonus = 0;
      if (kind === 'note') {
        const pc = this.c.notes.get(id) % 12;
        if (strong && asking && tones.has(pc)) bonus += p.landingTone;
        if (strong && clashes.has(pc)) bonus += p.clash;
        if (model !== null && model.includes(pos)) bonus += p.rhythmOnset;
      } else if (kind === 'rest' || kind === 'tie') {
        if (model !== null && !model.includes(pos)) bonus += p.rhythmOnset;
        if (kind === 'rest' && asking && this.held >= p.quarterSixteenths) bonus += p.landingRest;
      } else if (kind === 'chord') {
        // Free mode only: follow mode's chords are forced, never drawn.
        bonus += p.offKeyTone * offKeyTones(this.c.vocab[id]);
      }
      if (bonus) out.set(id, bonus);
    }
    return out;
  }

  #lengthBonuses(grammar, allowed) {
    const out = new Map();
    if (this.pending === null) return out;
    const { p } = this;
    const { quarterSixteenths: quarter, landSixteenths: land } = p;
    const { landing, asking, model } = this.#place(grammar);
    const { kind: event, midi, start } = this.pending;
    const chord = this.#chordToken(grammar);
    let clashing = event === 'note' && chord !== null && clashPitchClasses(chord).has(midi % 12);
    const held = event === 'tie' ? this.held : 0; // what the length adds to
    if (event === 'tie') clashing = this.clashing;
    const begunStrong = grammar.strongBeats.has(event === 'note' ? start : this.noteStart);
    let nextOnset = grammar.barLength;
    if (model !== null) for (const s of model) if (s > start && s < nextOnset) nextOnset = s;
    for (const id of allowed) {
      const length = this.c.lengths.get(id);
      let bonus = 0;
      if (event === 'note' || (event === 'tie' && held)) {
        const total = held + length;
        if (asking && begunStrong) {
          if (total >= land) bonus += p.landingLength;
          else if (total >= quarter && event === 'note') bonus += p.landingQuarter;
        }
        if (!landing && held < land && land <= total) bonus += p.innerLong;
        if (clashing && total >= quarter) bonus += p.clashLength;
      } else if (event === 'rest' && asking && this.held >= quarter && length >= quarter) {
        bonus += p.landingRest;
      }
      if (model !== null && start + length === nextOnset) bonus += p.rhythmLength;
      if (bonus) out.set(id, bonus);
    }
    return out;
  }
}

// The step to draw from: grammar.next()'s, its allowed ids less the copy guard's refusals and its
// bonus (the chord-tone bias) plus the shaper's. shaper and guard may be null.
export function shapeStep(step, grammar, { shaper = null, guard = null } = {}) {
  if (step.forced !== undefined) return step;
  const allowed = guard ? guard.allowed(step.allowed) : step.allowed;
  const extra = shaper ? shaper.bonuses(grammar, allowed) : null;
  if (!extra || extra.size === 0) return allowed === step.allowed ? step : { allowed, bonus: step.bonus };
  const bonus = new Map(step.bonus ?? []);
  for (const [id, value] of extra) bonus.set(id, (bonus.get(id) ?? 0) + value); // after the chord-tone bias, as Python adds them
  return { allowed, bonus };
}
