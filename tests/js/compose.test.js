// The page's side of composing a lead sheet, without a model: the listener's chords mapped to the
// model's tokens (and back), the backing (chord strikes, bass line), swing, and a piece built from
// the tokens a seeded random walk over the grammar writes.
import test from 'node:test';
import assert from 'node:assert/strict';

import { LeadSheetGrammar, chooseToken, classifyVocab } from '../../web_src/js/ai/grammar.js';
import { followPlan, freePlan, loopProgression, nearestChordToken, pieceBars, vocabChords } from '../../web_src/js/ai/compose.js';
import { createPieceBuilder, liftedBar, registerOctave } from '../../web_src/js/ai/piece.js';
import { COMP_STEPS, bassLine, barSegments, chordHits, compSteps } from '../../web_src/js/ai/backing.js';
import { leadSheetParts } from '../../web_src/js/ai/arrange.js';
import { swungTicks } from '../../web_src/js/audio/swing.js';
import { drumEvents } from '../../web_src/js/audio/drums.js';
import { familyChord, familyPitchClasses, noteNameToMidi, parseChordSymbol, parseChordToken, transposeSymbol, voiceChord } from '../../web_src/js/music/theory.js';
import { mulberry32 } from '../../web_src/js/ai/sampling.js';

const ROOTS = [...Array(12).keys()];
// A lead-sheet vocabulary without the mM7, m6, dim and aug families.
const FAMILIES = ['maj7', 'm7', '7', 'm7b5', 'dim7', '7sus', '6', 'maj', 'm', 'sus'];
const VOCAB = [
  '<s>', '</s>', '|', '~', 'r', '@NC',
  ...FAMILIES.flatMap((family) => ROOTS.map((root) => `@${root}:${family}`)),
  ...Array.from({ length: 37 }, (_, i) => `n${48 + i}`),
  ...[1, 2, 3, 4, 6, 8, 12, 16].map((k) => `d${k}`),
];
const CLASSES = classifyVocab(VOCAB);

// One pass of a chord-field progression: [{symbol, step, length}].
function pass(text) {
  const out = [];
  text.split('|').forEach((bar, b) => {
    const symbols = bar.trim().split(/\s+/);
    symbols.forEach((symbol, i) => out.push({ symbol, step: b * 16 + i * (16 / symbols.length), length: 16 / symbols.length }));
  });
  return out;
}

// The tokens a random model writes under the grammar (what the worker does, logits made up).
function write(plan, seed) {
  const grammar = new LeadSheetGrammar(CLASSES, {
    bars: plan.bars,
    changes: plan.changes,
    chordPitchClasses: (token) => {
      const [root, family] = parseChordToken(token);
      return root === null ? [] : familyPitchClasses(root, family);
    },
  });
  const rng = mulberry32(seed);
  const tokens = [];
  while (!grammar.done) {
    const logits = new Float32Array(VOCAB.length).map(() => rng() * 3);
    const id = chooseToken(grammar.next(), logits, { temperature: 1 }, rng);
    grammar.accept(id);
    tokens.push(VOCAB[id]);
  }
  return tokens;
}

test('the piece is whole passes of the progression, at least 8 bars, unless asked', () => {
  assert.equal(pieceBars(undefined, 4), 8);
  assert.equal(pieceBars(undefined, 3), 9);
  assert.equal(pieceBars(undefined, 12), 12);
  assert.equal(pieceBars(undefined, null), 8);
  assert.equal(pieceBars(5, 4), 5);
  assert.equal(pieceBars(1000, 4), 256);
});

test('a progression loops over the bars, its last chord cut at the end', () => {
  const looped = loopProgression(pass('Dm9 | G13 C6'), 32, 80);
  assert.deepEqual(looped.map((c) => [c.symbol, c.step, c.length]), [
    ['Dm9', 0, 16], ['G13', 16, 8], ['C6', 24, 8], ['Dm9', 32, 16], ['G13', 48, 8], ['C6', 56, 8], ['Dm9', 64, 16],
  ]);
});

test('follow mode: the chords in D major become C major tokens, the listener keeps symbol and voicing', () => {
  const plan = followPlan({ progression: pass('Em9 | A13 | Dmaj7#11 | Bm7'), passBars: 4, bars: 8, vocab: VOCAB });
  assert.equal(plan.key, 'D major');
  assert.equal(plan.shift, -2);
  assert.deepEqual(plan.changes.slice(0, 4), [
    { step: 0, token: '@2:m7' }, { step: 16, token: '@7:7' }, { step: 32, token: '@0:maj7' }, { step: 48, token: '@9:m7' },
  ]);
  assert.equal(plan.changes.length, 8);
  assert.equal(plan.chords.length, 8);
  for (const chord of plan.chords) assert.deepEqual(chord.midis, voiceChord(parseChordSymbol(chord.symbol)));
  assert.deepEqual(plan.chords[0].midis, [40, 54, 55, 59, 62]); // E2 | F#3 G3 B3 D4
  // Dmaj7#11's G# is not in the family's voicing: the page reports it; Em9's F# is, A13's F# too.
  assert.deepEqual(plan.mapped, [{ symbol: 'Dmaj7#11', as: 'Dmaj7', nearest: false }]);
});

test('a family the vocabulary lacks becomes its nearest chord, and the model is told only changes', () => {
  assert.equal(nearestChordToken(parseChordSymbol('CmM7'), VOCAB), '@0:m');
  assert.equal(nearestChordToken(parseChordSymbol('Caug'), VOCAB.filter((t) => t !== '@0:maj')), '@4:maj');
  assert.equal(nearestChordToken(parseChordSymbol('N.C.'), VOCAB), '@NC');
  assert.equal(nearestChordToken(parseChordSymbol('N.C.'), VOCAB.filter((t) => t !== '@NC')), null);
  assert.equal(vocabChords(VOCAB)[0].token, '@0:maj7');
  const plan = followPlan({ progression: pass('Am | AmM7 | Am7 | Am6'), passBars: 4, bars: 4, vocab: VOCAB });
  assert.equal(plan.key, 'A minor');
  // AmM7 has no token: it is read as Am, the chord before, so the model hears no change there;
  // Am6 (A C E F#) is F#m7b5's four notes.
  assert.deepEqual(plan.changes, [{ step: 0, token: '@9:m' }, { step: 32, token: '@9:m7' }, { step: 48, token: '@6:m7b5' }]);
  assert.deepEqual(plan.mapped, [{ symbol: 'AmM7', as: 'Am', nearest: true }, { symbol: 'Am6', as: 'F#m7b5', nearest: true }]);
  // The listener's four chords still sound, each with its own voicing.
  assert.deepEqual(plan.chords.map((c) => c.symbol), ['Am', 'AmM7', 'Am7', 'Am6']);
});

test('a chromatic progression keeps its key, and a dominant the vocabulary lacks keeps its 7th', () => {
  // Gb13 is the tritone substitute of C7, Ab13 a bIII7: F major, not F minor.
  const full = followPlan({ progression: pass('Gm9 | Gb13 | Fmaj9 | Ab13'), passBars: 4, bars: 4, vocab: VOCAB });
  assert.equal(full.key, 'F major');
  assert.deepEqual(full.changes.map((c) => c.token), ['@2:m7', '@1:7', '@0:maj7', '@3:7']);
  // Without a dominant 7th on E flat (Ab13 moved to C major), the model is told Gm7b5: Ab9's
  // third, fifth, seventh and ninth; not a 6th chord, which would drop the G flat.
  const lacking = followPlan({ progression: pass('Gm9 | Gb13 | Fmaj9 | Ab13'), passBars: 4, bars: 4, vocab: VOCAB.filter((t) => t !== '@3:7') });
  assert.equal(lacking.changes[3].token, '@7:m7b5');
  assert.deepEqual(lacking.mapped.filter((m) => m.symbol === 'Ab13'), [{ symbol: 'Ab13', as: 'Cm7b5', nearest: true }]);
  assert.equal(nearestChordToken(parseChordSymbol('Cmaj9'), VOCAB.filter((t) => t !== '@0:maj7')), '@4:m7');
  assert.equal(followPlan({ progression: pass('Dm9 | Db7 | Cmaj9 | A7b9'), passBars: 4, bars: 4, vocab: VOCAB }).key, 'C major');
});

test('follow mode: the piece has every chord at its step, the melody moved back and never past a change', () => {
  const plan = followPlan({ progression: pass('Ebmaj9 | Cm9 | Fm7 Bb13'), passBars: 3, bars: 6, vocab: VOCAB });
  assert.equal(plan.key, 'Eb major');
  assert.equal(plan.shift, -3);
  for (let seed = 1; seed <= 20; seed++) {
    const tokens = write(plan, seed);
    const builder = createPieceBuilder(plan);
    const streamed = tokens.flatMap((token) => builder.push(token));
    const piece = builder.result();
    assert.deepEqual(piece.chords.map((c) => [c.symbol, c.step, c.length]), [
      ['Ebmaj9', 0, 16], ['Cm9', 16, 16], ['Fm7', 32, 8], ['Bb13', 40, 8],
      ['Ebmaj9', 48, 16], ['Cm9', 64, 16], ['Fm7', 80, 8], ['Bb13', 88, 8],
    ]);
    // The melody is the model's notes moved up a minor third, back to E flat...
    const model = [];
    let pos = 0;
    let pending = null;
    for (const token of tokens) {
      if (/^n\d+$/.test(token)) pending = Number(token.slice(1));
      else if (/^d\d+$/.test(token)) {
        if (pending !== null) model.push([pos, pending]);
        pos += Number(token.slice(1));
        pending = null;
      } else if (token === 'r' || token === '~') pending = null;
    }
    // ...and folded by whole octaves into its register (registerOctave, liftedBar).
    assert.deepEqual(piece.melody.map((n) => [n.step, (n.midi - 3 + 120) % 12]), model.map(([step, midi]) => [step, midi % 12]));
    // A melody note goes on past a chord change only through a tie, written at the change.
    const changes = new Set(plan.changes.map((c) => c.step));
    for (const note of piece.melody) {
      for (const change of changes) {
        if (note.step < change && change < note.step + note.length) assert.ok(tokens.includes('~'));
      }
    }
    assert.equal(piece.tokens.length, tokens.length);
    // Every melody note is played once, and the backing was all there before the first token.
    assert.equal(streamed.filter((e) => e.part === 'melody').length, piece.melody.length);
    assert.equal(streamed.filter((e) => e.part !== 'melody').length, 0);
    assert.ok(builder.events.some((e) => e.part === 'chords' && e.step === 88));
  }
});

test('the melody\'s register: its median near C5, its notes over the voicing, each bar folded once it is written', () => {
  const top = () => 64; // a voicing up to E4
  const bar = (...midis) => midis.map((midi, i) => ({ step: i * 4, midi }));
  assert.equal(registerOctave(bar(67, 69, 71), top), 0); // G4 A4 B4 stay
  assert.equal(registerOctave(bar(60, 62, 64), top), 0); // C4 D4 E4: lifted whole either way, the lower
  assert.equal(registerOctave(bar(78, 79, 81), top), -12); // F#5 G5 A5 -> F#4 G4 A4
  // The bar counts as lifted over the voicing: F5 E5 E6 down an octave is F4 E5 E5 (E4 lifted alone),
  // median E5, nearer C5 than F5 as written.
  assert.equal(registerOctave(bar(77, 76, 88), top), -12);
  assert.equal(registerOctave(bar(60, 62, 64), () => null), 12);
  assert.deepEqual(liftedBar([{ step: 0, midi: 62 }, { step: 4, midi: 67 }], 0, top), [74, 79]); // the bar goes up whole
  assert.deepEqual(liftedBar([{ step: 0, midi: 64 }, { step: 4, midi: 76 }], 0, top), [76, 76]); // E6 would pass C6: the E4 alone
  assert.deepEqual(liftedBar([{ step: 0, midi: 60 }], 0, () => null), [60]); // under N.C. nothing to clear
  assert.deepEqual(liftedBar([{ step: 0, midi: 78 }, { step: 8, midi: 88 }], 0, top), [78, 76]); // E6 over C6: E5
  // Over every key, the streamed melody is the result's, every note of a bar waits for its bar line,
  // and hardly any note sits at or under the voicing's top.
  let under = 0;
  let notes = 0;
  for (const [text, bars] of [['Dm9 | G13 | Cmaj9 | A7b9', 4], ['Gm9 | Gb13 | Fmaj9 | Ab13', 4]]) {
    for (let semitones = 0; semitones < 12; semitones++) {
      const progression = pass(text).map((c) => ({ ...c, symbol: transposeSymbol(c.symbol, semitones) }));
      const plan = followPlan({ progression, passBars: bars, bars: 8, vocab: VOCAB });
      const builder = createPieceBuilder(plan);
      const streamed = [];
      for (const token of write(plan, semitones + 1)) {
        const bar = builder.barsDone;
        for (const event of builder.push(token).filter((e) => e.part === 'melody')) {
          assert.ok(Math.floor(event.step / 16) < builder.barsDone || builder.done, `bar ${bar}`);
          streamed.push([event.step, noteNameToMidi(event.notes[0])]);
        }
      }
      const piece = builder.result();
      assert.deepEqual(streamed, piece.melody.map((n) => [n.step, n.midi]));
      for (const note of piece.melody) {
        const chord = plan.chords.find((c) => c.step <= note.step && note.step < c.step + c.length);
        notes += 1;
        if (note.midi <= Math.max(...chord.midis)) under += 1;
      }
    }
  }
  assert.ok(notes > 300 && under / notes <= 0.02, `${under} of ${notes}`);
});

test('free mode: the seed picks the key; the model\'s chords are named, voiced and come a bar at a time', () => {
  const shifts = new Set();
  for (let seed = 1; seed <= 40; seed++) shifts.add(freePlan({ seed, bars: 4 }).shift);
  assert.ok(shifts.size >= 8, `keys: ${[...shifts]}`);
  for (const shift of shifts) assert.ok(shift >= -6 && shift <= 5);
  assert.equal(freePlan({ seed: 7, bars: 4 }).shift, freePlan({ seed: 7, bars: 4 }).shift);

  for (let seed = 1; seed <= 20; seed++) {
    const plan = freePlan({ seed, bars: 4 });
    const tokens = write(plan, seed);
    const builder = createPieceBuilder(plan);
    const seen = [];
    tokens.forEach((token) => {
      const events = builder.push(token);
      for (const event of events.filter((e) => e.part === 'chords')) seen.push([event.step, builder.barsDone]);
    });
    const piece = builder.result();
    assert.ok(piece.chords.length >= 1 && piece.chords.length <= 8);
    assert.equal(piece.chords[0].step, 0);
    assert.equal(piece.chords.reduce((sum, c) => sum + c.length, 0), 64);
    for (const chord of piece.chords) {
      assert.ok(chord.step % 8 === 0);
      // Named by the family's display, voiced with the family's voicing.
      const parsed = parseChordSymbol(chord.symbol);
      assert.ok(parsed, chord.symbol);
      assert.deepEqual(chord.midis, voiceChord(familyChord(parsed.root, parsed.family)));
    }
    const first = piece.chords[0];
    assert.equal(parseChordSymbol(first.symbol).root, (parseChordToken(tokens[2])[0] - plan.shift + 24) % 12);
    // A bar's strikes are known once the bar is written, and each bar has one (no N.C. here).
    assert.ok(seen.every(([step, done]) => Math.floor(step / 16) < done));
    assert.deepEqual([...new Set(seen.map(([step]) => Math.floor(step / 16)))], [0, 1, 2, 3]);
  }
});

test('the same seed writes the same piece', () => {
  const plan = followPlan({ progression: pass('Dm7 | G7 | Cmaj7 | A7b9'), passBars: 4, bars: 8, vocab: VOCAB });
  const a = createPieceBuilder(plan);
  const b = createPieceBuilder(plan);
  write(plan, 5).forEach((t) => a.push(t));
  write(plan, 5).forEach((t) => b.push(t));
  assert.deepEqual(a.result(), b.result());
  const c = createPieceBuilder(plan);
  write(plan, 6).forEach((t) => c.push(t));
  assert.notDeepEqual(a.result().melody, c.result().melody);
});

test('the backing: the chords comped on 1 and the "and" of 2 or beat 3, the bass on 1 and a pickup on the "and" of 3', () => {
  const chord = (symbol, step, length) => {
    const parsed = parseChordSymbol(symbol);
    return { step, length, symbol, midis: voiceChord(parsed), chord: parsed };
  };
  const chords = [chord('Dm9', 0, 16), chord('G13', 16, 8), chord('C/E', 24, 8), chord('Fmaj7', 32, 32), chord('N.C.', 64, 16)];
  assert.deepEqual(barSegments(chords, 16).map((s) => [s.step, s.length]), [[0, 16], [16, 8], [24, 8], [32, 16], [48, 16], [64, 16]]);
  // Seed 1 comps bar 1 on beat 3, bar 3 on the "and" of 2 and bar 4 on beat 3 (compSteps); a
  // chord of half a bar is struck once.
  assert.deepEqual([0, 2, 3].map((bar) => compSteps(1, bar)[0]), [8, 6, 8]);
  const dm9 = [53, 57, 60, 64]; // F3 A3 C4 E4
  const fmaj7 = [57, 60, 64]; // A3 C4 E4 over F2, struck again at bar 3
  assert.deepEqual(chordHits(chords, 16), [
    { step: 0, length: 8, midis: dm9, accent: true }, { step: 8, length: 8, midis: dm9, accent: false },
    { step: 16, length: 8, midis: [53, 57, 59, 64], accent: true }, // F3 A3 B3 E4
    { step: 24, length: 8, midis: [55, 60, 64], accent: true }, // C/E: G3 C4 E4 over E2
    { step: 32, length: 6, midis: fmaj7, accent: true }, { step: 38, length: 10, midis: fmaj7, accent: false },
    { step: 48, length: 8, midis: fmaj7, accent: true }, { step: 56, length: 8, midis: fmaj7, accent: false },
  ]);
  assert.deepEqual(bassLine(chords, 16), [
    { step: 0, length: 10, midi: 38 }, { step: 10, length: 6, midi: 45 }, // D2, then A2 (the fifth)
    { step: 16, length: 8, midi: 43 }, // G2: half a bar, no pickup
    { step: 24, length: 8, midi: 40 }, // the slash bass E2
    { step: 32, length: 10, midi: 41 }, { step: 42, length: 6, midi: 48 },
    { step: 48, length: 10, midi: 41 }, { step: 58, length: 6, midi: 48 },
  ]);
  // A chord without a perfect fifth (m7b5) or with a slash bass gets the octave.
  assert.deepEqual(bassLine([chord('Bm7b5', 0, 16)], 16).map((n) => n.midi), [47, 59]);
  assert.deepEqual(bassLine([chord('C7/Bb', 0, 16)], 16).map((n) => n.midi), [46, 58]);
  // 3/4: the pickup is on the "and" of 2.
  assert.deepEqual(bassLine([chord('Am7', 0, 12)], 12), [{ step: 0, length: 6, midi: 45 }, { step: 6, length: 6, midi: 52 }]);
});

test('swing: the lead sheet\'s parts stay on the grid and take the arrangement\'s groove', () => {
  // The drums' own times (drums.js) come from the one groove (audio/swing.js), as the parts' do.
  const pattern = { bars: 1, swing: 57, lanes: [{ name: 'hat', gain: 1, hits: Array.from({ length: 16 }, (_, s) => [s, 1]) }] };
  const drumTicks = drumEvents(pattern, { loopBars: 1 }).map((e) => parseInt(e.time, 10));
  assert.deepEqual(drumTicks, Array.from({ length: 16 }, (_, s) => swungTicks(s, 57)));
  const parts = leadSheetParts([
    { part: 'melody', step: 3, length: 1, duration: '0:0:1', notes: ['E4'], velocity: 0.6 },
    { part: 'chords', step: 0, length: 16, duration: '1:0:0', notes: ['F3', 'A3'], velocity: 0.4 },
  ]);
  assert.deepEqual(parts.map((p) => [p.name, p.instrument, p.role, p.events.map((e) => [e.step, e.length])]), [
    ['ai-melody', 'piano', 'melody', [[3, 1]]], ['ai-chords', 'epiano', 'chords', [[0, 16]]], ['ai-bass', 'bass', 'bass', []],
  ]);
});

test('comping keeps every chord sounding: struck again within 10 sixteenths, the rhythm varying per bar and seed', () => {
  // A strike of the electric piano dies away in about 1.75 s: at 75 bpm (a sixteenth lasts 0.2 s)
  // a chord struck once a bar would be silent for 7 of its 16 sixteenths.
  const chord = (symbol, step, length) => {
    const parsed = parseChordSymbol(symbol);
    return { step, length, symbol, midis: voiceChord(parsed), chord: parsed };
  };
  const chords = [chord('Dm9', 0, 32), chord('G13', 32, 16), chord('Cmaj7', 48, 4), chord('A7', 52, 28), chord('N.C.', 80, 16), chord('Fmaj7', 96, 24)];
  const picked = new Set();
  for (let seed = 1; seed <= 30; seed++) {
    const hits = chordHits(chords, 16, { seed });
    assert.deepEqual(chordHits(chords, 16, { seed }), hits); // the same seed comps the same way
    // The strikes tile each sounding chord's bars exactly: no gap, no overlap, nothing past its end.
    for (const segment of barSegments(chords, 16).filter((s) => s.chord.midis.length)) {
      const inside = hits.filter((h) => h.step >= segment.step && h.step < segment.step + segment.length);
      assert.equal(inside[0].step, segment.step);
      assert.ok(inside[0].accent);
      inside.forEach((h, i) => {
        assert.deepEqual(h.midis, segment.chord.midis.slice(1));
        assert.equal(h.step + h.length, i + 1 < inside.length ? inside[i + 1].step : segment.step + segment.length);
        assert.ok(h.length <= 10, `seed ${seed}: a strike of ${h.length} sixteenths at ${h.step}`);
      });
      // More than half a bar: a softer second strike on the "and" of 2 or beat 3 of the bar.
      if (segment.length > 8) {
        assert.equal(inside.length, 2, `seed ${seed}, step ${segment.step}`);
        assert.ok(!inside[1].accent && COMP_STEPS.includes(inside[1].step % 16));
        picked.add(`${seed % 2}:${inside[1].step % 16}`);
      } else {
        assert.equal(inside.length, 1);
      }
    }
    assert.ok(!hits.some((h) => h.step >= 80 && h.step < 96)); // N.C.: silence
    // A7 comes in on beat 2: the "and" of 2 is less than a beat after its strike, so it is struck
    // again on beat 3, whatever the seed.
    assert.deepEqual(hits.filter((h) => h.step >= 52 && h.step < 64).map((h) => [h.step, h.accent]), [[52, true], [56, false]]);
  }
  assert.deepEqual([...picked].sort(), ['0:6', '0:8', '1:6', '1:8']); // both places, with any seed
  // The piece's events: the second strike is softer, and the backing depends on the seed only.
  const plan = followPlan({ progression: pass('Dm7 | G7 | Cmaj7 | Cmaj7'), passBars: 4, bars: 4, vocab: VOCAB });
  const strikes = (seed) => createPieceBuilder(plan, { seed }).events.filter((e) => e.part === 'chords').map((e) => [e.step, e.velocity]);
  assert.deepEqual(strikes(3), strikes(3));
  const ofSeed = new Set(Array.from({ length: 8 }, (_, seed) => JSON.stringify(strikes(seed + 1))));
  assert.ok(ofSeed.size > 1);
  for (const [step, velocity] of strikes(3)) assert.ok(step % 16 === 0 ? velocity > 0.4 : velocity < 0.4);
});
