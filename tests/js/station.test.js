// The station's plan (keys, tempos, forms, drum patterns), its drums and how a tune's pieces are
// laid out in its form: pure functions, no model and no audio.
import test from 'node:test';
import assert from 'node:assert/strict';

import { FORMS, SECTIONS, TEMPO_RANGE, createStationPlan, keyOf, keyRelation, layout, relatedKeys, tuneSeconds } from '../../web_src/js/station/plan.js';
import { tuneDrums } from '../../web_src/js/station/drums.js';
import { laneKind } from '../../web_src/js/audio/lanes.js';
import { motifTokens, outroEvents, piecePlan, piecesOf, placements, prefixFits } from '../../web_src/js/station/tune.js';
import { stationKey, stationOptions } from '../../web_src/js/station/index.js';
import { makeProgression } from '../../web_src/js/music/progression.js';
import { tuneArrangement } from '../../web_src/js/station/arrangement.js';
import { noteNameToMidi, voiceChord } from '../../web_src/js/music/theory.js';
import { readFileSync } from 'node:fs';

const PATTERNS = ['boom-bap', 'half-time', 'lazy-sunday'];
const PATTERN = {
  id: 'boom-bap',
  bars: 2,
  stepsPerBar: 16,
  swing: 0.35,
  lanes: [
    { name: 'kick', gain: 1, hits: [[0, 1], [6, 0.7], [10, 0.9], [16, 1], [26, 0.9]] },
    { name: 'snare', gain: 0.8, hits: [[4, 1], [12, 1], [20, 1], [28, 1]] },
    { name: 'hat', gain: 0.45, hits: Array.from({ length: 16 }, (_, i) => [i * 2, i % 2 ? 0.5 : 0.8]) },
  ],
};
const tunes = (options, count = 40) => {
  const plan = createStationPlan(options);
  return Array.from({ length: count }, (_, i) => plan.tune(i));
};

test('every form lasts 1.5 to 4 minutes at every tempo of the range, framed by an intro and an outro', () => {
  for (const form of FORMS) {
    const sections = layout(form.sections);
    const bars = sections.reduce((sum, s) => sum + s.bars, 0);
    assert.equal(sections[0].name, 'intro');
    assert.equal(sections.at(-1).name, 'outro');
    assert.ok(sections.some((s) => s.name === 'B'), 'a contrasting section');
    assert.ok(sections.filter((s) => SECTIONS[s.name].piece?.startsWith('A')).length >= 2, 'A returns');
    for (const bpm of [TEMPO_RANGE.min, TEMPO_RANGE.max]) {
      const seconds = tuneSeconds({ bars, bpm });
      assert.ok(seconds >= 90 && seconds <= 240, `${form.sections.join(' ')} at ${bpm} bpm: ${seconds} s`);
    }
    sections.forEach((s, i) => i && assert.equal(s.bar, sections[i - 1].bar + sections[i - 1].bars));
  }
});

test('the same seed and options give the same chain of tunes; another seed another chain', () => {
  const a = tunes({ seed: 42, patterns: PATTERNS, drums: 'boom-bap' });
  const b = tunes({ seed: 42, patterns: PATTERNS, drums: 'boom-bap' });
  const c = tunes({ seed: 43, patterns: PATTERNS, drums: 'boom-bap' });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.map((t) => t.seed), c.map((t) => t.seed));
  assert.equal(new Set(a.map((t) => t.seed)).size, a.length, 'every tune has its own seed');
  // A plan asked for tune 30 first is the same tune 30.
  assert.deepEqual(createStationPlan({ seed: 42, patterns: PATTERNS, drums: 'boom-bap' }).tune(30), a[30]);
});

test('each tune is in a related key, within 10 bpm of the one before, at 60-95 bpm', () => {
  for (const seed of [1, 2, 3, 'rainy']) {
    const chain = tunes({ seed, patterns: PATTERNS, drums: 'boom-bap' }, 60);
    const relations = new Set();
    chain.forEach((tune, i) => {
      assert.ok(tune.bpm >= TEMPO_RANGE.min && tune.bpm <= TEMPO_RANGE.max, `tempo ${tune.bpm}`);
      if (!i) return;
      const relation = keyRelation(chain[i - 1].key, tune.key);
      assert.ok(relation, `${chain[i - 1].key.name} -> ${tune.key.name}`);
      relations.add(relation);
      assert.ok(Math.abs(tune.bpm - chain[i - 1].bpm) <= 10);
    });
    assert.deepEqual([...relations].sort(), ['fifth', 'relative', 'same'], `seed ${seed} moves every way`);
    assert.ok(new Set(chain.map((t) => t.key.name)).size >= 4, 'the keys wander');
    assert.ok(new Set(chain.map((t) => t.drums)).size >= 2, 'the drum pattern changes now and then');
    assert.ok(chain.filter((t, i) => i && t.drums !== chain[i - 1].drums).length <= chain.length / 2, 'but not every tune');
  }
});

test('relatedKeys and keyRelation agree on the same, relative and fifth', () => {
  const c = keyOf(0, 'major');
  assert.equal(c.name, 'C major');
  assert.equal(keyOf(0, 'minor').name, 'A minor');
  const related = relatedKeys(c).map((k) => k.name);
  assert.deepEqual(related, ['C major', 'A minor', 'G major', 'F major']);
  assert.deepEqual(relatedKeys(c).map((k) => keyRelation(c, k)), ['same', 'relative', 'fifth', 'fifth']);
  assert.equal(keyRelation(c, keyOf(2, 'major')), null); // B flat major: two flats away
  assert.deepEqual(relatedKeys(c, { fixedMode: true }).map((k) => k.mode), ['major', 'major', 'major']);
});

test("the listener's chords keep every tune in their key; a mood fixes the mode and the tempo range", () => {
  for (const tune of tunes({ seed: 9, key: { shift: 3, mode: 'minor' }, patterns: PATTERNS, drums: null })) {
    assert.equal(tune.key.name, 'F# minor');
    assert.equal(tune.drums, null);
  }
  const moody = tunes({ seed: 9, mood: { mode: 'minor', bpm: 62 }, patterns: PATTERNS, drums: 'half-time' });
  assert.ok(moody.every((t) => t.key.mode === 'minor'));
  assert.ok(moody.every((t) => t.bpm >= 60 && t.bpm <= 68), moody.map((t) => t.bpm).join(' '));
});

test('the drums: none in the intro and outro, a fill ending every section, drops now and then, velocities that vary', () => {
  let drops = 0;
  for (const tune of tunes({ seed: 5, patterns: PATTERNS, drums: 'boom-bap' }, 20)) {
    const hits = tuneDrums(tune, PATTERN);
    const barsOf = (from, n) => hits.filter((h) => h.step >= from * 16 && h.step < (from + n) * 16);
    for (const section of tune.form) {
      const inside = barsOf(section.bar, section.bars);
      if (!SECTIONS[section.name].drums) {
        assert.equal(inside.length, 0, `${section.name} has no drums`);
        continue;
      }
      const last = barsOf(section.bar + section.bars - 1, 1);
      const lastBeat = last.filter((h) => h.step % 16 >= 12);
      assert.ok(lastBeat.filter((h) => laneKind(h.lane) === 'snare').length >= 2, `a fill ends ${section.name} at bar ${section.bar + section.bars}`);
      if (barsOf(section.bar, 1).length === 0) drops += 1;
    }
    const velocities = new Set(hits.filter((h) => h.lane === 'snare').map((h) => h.velocity));
    assert.ok(velocities.size > 10, 'humanised');
    assert.deepEqual(tuneDrums(tune, PATTERN), hits, 'seeded');
  }
  assert.ok(drops >= 5, `${drops} drops in 20 tunes`);
});

test("a variation opens with its model's first two bars; sections take their pieces' events", () => {
  const tokens = ['<s>', '|', '@0:maj7', 'n72', 'd8', 'r', 'd8', '|', 'n74', 'd16', '|', 'n76', 'd16', '</s>'];
  assert.deepEqual(motifTokens(tokens), ['|', '@0:maj7', 'n72', 'd8', 'r', 'd8', '|', 'n74', 'd16']);
  // A model with styles and phrase places: the motif keeps the style and its bar lines' places.
  const placed = ['<s>', '#lofi', '|1', '@0:maj7', 'n72', 'd16', '|2', 'n74', 'd16', '|3', 'n76', 'd16', '</s>'];
  assert.deepEqual(motifTokens(placed), ['#lofi', '|1', '@0:maj7', 'n72', 'd16', '|2', 'n74', 'd16']);
  const form = layout(['intro', 'A', "A'", 'B', 'A', 'outro']);
  assert.deepEqual(piecesOf(form), ['A', 'A2', 'B']);
  assert.deepEqual(piecesOf(layout(['intro', 'A', "A'", 'B', "B'", 'A', 'outro'])), ['A', 'A2', 'B', 'B2']);
  // A's melody in A and the return of A; A's chords in the intro, A, A' and the return.
  assert.deepEqual(placements(form, 'A', 'melody', 3), [4 * 16 + 3, 28 * 16 + 3]);
  assert.deepEqual(placements(form, 'A', 'chords', 0), [0, 4 * 16, 12 * 16, 28 * 16]);
  assert.deepEqual(placements(form, 'A', 'chords', 5 * 16), [4 * 16 + 80, 12 * 16 + 80, 28 * 16 + 80], 'the intro has four bars');
  assert.deepEqual(placements(form, 'A2', 'melody', 0), [12 * 16]);
  assert.deepEqual(placements(form, 'A2', 'chords', 0), []);
  assert.deepEqual(placements(form, 'B', 'bass', 0), [20 * 16]);
});

test('the outro holds the tonic chord under the tonic, above the chord', () => {
  for (const [shift, mode, tonic] of [[0, 'major', 0], [0, 'minor', 9], [3, 'minor', 6], [-4, 'major', 4]]) {
    const tune = { key: keyOf(shift, mode), form: layout(['intro', 'A', 'outro']) };
    const { events, chord } = outroEvents(tune, [67, 69, 71, 72, 74]);
    const melody = events.filter((e) => e.part === 'melody');
    assert.equal(melody.length, 1);
    const landing = noteNameToMidi(melody[0].notes[0]);
    assert.equal(landing % 12, tonic);
    assert.ok(landing > Math.max(...chord.midis), 'above the voicing');
    assert.ok(Math.abs(landing - 71) <= 12, 'near the melody');
    assert.equal(chord.step, 12 * 16);
    assert.ok(events.every((e) => e.step >= 12 * 16));
  }
});

test('a tune as an arrangement: three parts and its drums, swung alike', () => {
  const result = {
    index: 2, station: 7, bpm: 80, bars: 2, drums: 'boom-bap',
    events: [{ part: 'melody', step: 3, length: 1, notes: ['C5'], velocity: 0.7 }, { part: 'bass', step: 0, length: 16, notes: ['C2'], velocity: 0.7 }],
    drumHits: [{ step: 0, lane: 'kick', velocity: 1 }],
  };
  const arrangement = tuneArrangement(result, { swing: 0.35 });
  assert.deepEqual(arrangement.parts.map((p) => p.name), ['ai-melody', 'ai-chords', 'ai-bass', 'station-drums']);
  assert.ok(arrangement.parts.every((p) => p.swing === 0.35));
  assert.deepEqual(arrangement.drumPatterns, ['boom-bap']);
  assert.equal(arrangement.parts[3].events[0].pattern, 'boom-bap');
  assert.equal(tuneArrangement({ ...result, drums: null }).parts.length, 3);
});

test("a motif keeps only the chords its variation is told, and one the grammar refuses is left out", () => {
  // A free piece wrote Fmaj7 again at bar 2, where it already sounded: not a change.
  const tokens = ['<s>', '|', '@0:maj7', 'n72', 'd8', '@5:maj7', 'n69', 'd8', '|', '@5:maj7', 'n74', 'd8', '@7:7', 'n71', 'd8', '|', 'n72', 'd16', '</s>'];
  const changes = [{ step: 0, token: '@0:maj7' }, { step: 8, token: '@5:maj7' }, { step: 24, token: '@7:7' }];
  const vocab = ['<s>', '</s>', '|', '~', 'r', '@0:maj7', '@5:maj7', '@7:7', 'n69', 'n71', 'n72', 'n74', 'd8', 'd16'];
  const plan = { bars: 8, changes };
  const motif = motifTokens(tokens, 2, changes);
  assert.deepEqual(motif, ['|', '@0:maj7', 'n72', 'd8', '@5:maj7', 'n69', 'd8', '|', 'n74', 'd8', '@7:7', 'n71', 'd8']);
  assert.equal(prefixFits(motif, plan, vocab), true);
  assert.equal(prefixFits(motifTokens(tokens, 2), plan, vocab), false, 'the repeated chord token is refused');
  assert.equal(prefixFits(['|', 'n72', 'd16'], plan, vocab), false, 'a change left out is refused');
  assert.equal(prefixFits(['|', '@0:maj7', 'n99', 'd16'], plan, vocab), false, 'a token not in the vocabulary');
});

test('tempos wander through the range rather than sticking at its ends', () => {
  let ends = 0;
  let total = 0;
  for (let seed = 0; seed < 100; seed++) {
    for (const tune of tunes({ seed, patterns: PATTERNS, drums: 'boom-bap' }, 20)) {
      total += 1;
      if (tune.bpm <= 69 || tune.bpm >= 85) ends += 1;
    }
  }
  assert.ok(ends / total < 0.2, `${ends} of ${total} at the ends of 68-86`);
});

// The listener's chords reach the station as read where they entered (ai/track.js readProgression):
// a value whose text says other chords than it holds shows which of the two the station plays.
const STATION_VOCAB = JSON.parse(readFileSync(new URL('../../content/model/meta.json', import.meta.url))).vocabulary;
const readElsewhere = () => ({ ...makeProgression('Dm7 G7 Cmaj7 Am7'), text: 'E A B E' });

test('the station takes chords read before as they are, and reads text only once, where it enters', () => {
  const value = readElsewhere();
  assert.equal(stationOptions({ seed: 1, progression: value }).progression, value, 'the same value, not its text read again');
  assert.deepEqual(stationOptions({ seed: 1, progression: ' Dm7 G7 Cmaj7 Am7 ' }).progression, makeProgression('Dm7 G7 Cmaj7 Am7'));
  for (const none of [null, undefined, '', '   ']) assert.equal(stationOptions({ seed: 1, progression: none }).progression, null);
  assert.throws(() => stationOptions({ seed: 1, progression: 'Dm7 Qx9' }), /"Qx9" is not a chord symbol/);
  // The plan's keys follow the value's key, not one found again from the text (E major).
  assert.deepEqual(stationKey(value), { shift: value.shift, mode: value.mode });
  assert.deepEqual(stationKey({ ...value, shift: 3, mode: 'minor' }), { shift: 3, mode: 'minor' });
  assert.equal(stationKey(null), null);
});

test("a tune's A and B follow the chords as read, B a fourth up, in the key read with them", () => {
  const value = readElsewhere();
  const a = piecePlan({ name: 'A', progression: value, vocab: STATION_VOCAB });
  const b = piecePlan({ name: 'B', progression: value, vocab: STATION_VOCAB });
  assert.deepEqual(a.chords.slice(0, 4).map((c) => c.symbol), ['Dm7', 'G7', 'Cmaj7', 'Am7']);
  assert.deepEqual(b.chords.slice(0, 4).map((c) => c.symbol), ['Gm7', 'C7', 'Fmaj7', 'Dm7']);
  assert.deepEqual(b.chords.slice(0, 4).map((c) => c.midis), a.chords.slice(0, 4).map((c) => voiceChord({ ...c.chord, root: (c.chord.root + 5) % 12, bass: (c.chord.bass + 5) % 12 })));
  assert.equal(a.key, 'C major');
  assert.equal(b.key, 'F major');
  // A key read with the chords is used as it is (a value saying E minor), B's a fourth above it.
  const minor = { ...value, key: 'E minor', tonic: 4, mode: 'minor' };
  assert.equal(piecePlan({ name: 'A', progression: minor, vocab: STATION_VOCAB }).key, 'E minor');
  assert.equal(piecePlan({ name: 'B', progression: minor, vocab: STATION_VOCAB }).key, 'A minor');
});
