// The lead-sheet grammar (web_src/js/ai/grammar.js) and decoder (web_src/js/ai/leadsheet.js),
// driven without a model: a seeded random walk over whatever the grammar allows must always give
// a well-formed piece.
import test from 'node:test';
import assert from 'node:assert/strict';

import { LeadSheetGrammar, chooseToken, classifyVocab } from '../../web_src/js/ai/grammar.js';
import { decodeLeadSheet } from '../../web_src/js/ai/leadsheet.js';
import { mulberry32 } from '../../web_src/js/ai/sampling.js';

const VOCAB = [
  '<s>', '</s>', '|', '~', 'r',
  '@0:maj7', '@2:m7', '@7:7', '@9:m7', '@5:maj7',
  ...[60, 62, 64, 65, 67, 69, 71, 72].map((m) => `n${m}`),
  ...[1, 2, 3, 4, 6, 8, 12, 16].map((k) => `d${k}`),
];
const CLASSES = classifyVocab(VOCAB);
const TONES = { '@0:maj7': [0, 4, 7, 11, 2], '@2:m7': [2, 5, 9, 0, 4], '@7:7': [7, 11, 2, 5, 9], '@9:m7': [9, 0, 4, 7, 11], '@5:maj7': [5, 9, 0, 4, 7] };

function walk(options, seed) {
  const grammar = new LeadSheetGrammar(CLASSES, { chordPitchClasses: (t) => TONES[t], ...options });
  const rng = mulberry32(seed);
  const tokens = [];
  const steps = [];
  while (!grammar.done) {
    const step = grammar.next();
    const logits = new Float32Array(VOCAB.length).map(() => rng() * 4);
    const id = chooseToken(step, logits, { temperature: 1 }, rng);
    steps.push({ at: grammar.step, step });
    grammar.accept(id);
    tokens.push(VOCAB[id]);
  }
  return { tokens, steps };
}

test('free mode: every piece is framed, bars are full, chords only at a bar line or half bar', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const { tokens } = walk({ bars: 4 }, seed);
    assert.equal(tokens[0], '<s>');
    assert.equal(tokens.at(-1), '</s>');
    assert.equal(tokens.filter((t) => t === '|').length, 4);
    assert.match(tokens[2], /^@/, 'a free piece opens on a chord');
    const piece = decodeLeadSheet(tokens);
    assert.equal(piece.steps, 64);
    for (const chord of piece.chords) assert.equal(chord.step % 8, 0, `chord at ${chord.step}`);
    // Bars are exactly filled: no event crosses a bar line.
    let pos = 0;
    let pendingEvent = false;
    for (const token of tokens) {
      if (token === '|') assert.equal(pos % 16, 0);
      if (/^[nr~]/.test(token)) pendingEvent = true;
      if (/^d\d+$/.test(token)) {
        assert.ok(pendingEvent);
        const length = Number(token.slice(1));
        assert.ok(Math.floor(pos / 16) === Math.floor((pos + length - 1) / 16), `crosses a bar line at ${pos}`);
        pos += length;
        pendingEvent = false;
      }
    }
  }
});

test('follow mode: the given chords are forced at their steps and no length crosses a change', () => {
  const changes = [
    { step: 0, token: '@2:m7' }, { step: 16, token: '@7:7' }, { step: 32, token: '@0:maj7' },
    { step: 40, token: '@9:m7' }, { step: 52, token: '@5:maj7' },
  ];
  for (let seed = 1; seed <= 40; seed++) {
    const { tokens } = walk({ bars: 4, changes }, seed);
    const piece = decodeLeadSheet(tokens);
    assert.deepEqual(piece.chords.map((c) => [c.step, c.token]), changes.map((c) => [c.step, c.token]));
    assert.deepEqual(piece.chords.map((c) => c.length), [16, 16, 8, 12, 12]);
    const boundaries = [16, 32, 40, 48, 52, 64];
    for (const note of piece.melody) {
      // A note may go on over a change only through a tie; its parts never cross one.
      assert.ok(note.step >= 0 && note.step + note.length <= 64);
    }
    let pos = 0;
    for (const token of tokens) {
      if (!/^d\d+$/.test(token)) continue;
      const end = pos + Number(token.slice(1));
      for (const b of boundaries) assert.ok(!(pos < b && end > b), `a length crosses ${b} at ${pos}`);
      pos = end;
    }
  }
});

test('the chord-tone bonus applies on strong beats only, to the sounding chord', () => {
  const { steps } = walk({ bars: 2, changes: [{ step: 0, token: '@2:m7' }], chordToneBias: 1.5 }, 7);
  const events = steps.filter(({ step }) => step.allowed && step.allowed.some((id) => CLASSES.kinds[id] === 'note'));
  assert.ok(events.length > 0);
  for (const { at, step } of events) {
    if (at % 8 === 0) {
      const bonused = [...step.bonus.keys()].map((id) => VOCAB[id]).sort();
      assert.deepEqual(bonused, ['n60', 'n62', 'n64', 'n65', 'n69', 'n72'].sort());
      assert.ok([...step.bonus.values()].every((v) => v === 1.5));
    } else {
      assert.equal(step.bonus, null);
    }
  }
});

test('a token the grammar does not allow is refused', () => {
  const grammar = new LeadSheetGrammar(CLASSES, { bars: 1 });
  assert.throws(() => grammar.accept(CLASSES.index.get('|')), /not allowed/);
  grammar.accept(CLASSES.index.get('<s>'));
  grammar.accept(CLASSES.index.get('|'));
  assert.throws(() => grammar.accept(CLASSES.index.get('n60')), /not allowed/); // bar 1 opens on a chord
});

test('the decoder joins ties and times chords', () => {
  const tokens = '<s> | @2:m7 r d2 n69 d2 n72 d4 ~ d2 r d6 | @7:7 n71 d3 n67 d1 r d12 </s>'.split(' ');
  const piece = decodeLeadSheet(tokens);
  assert.deepEqual(piece.chords, [{ step: 0, token: '@2:m7', length: 16 }, { step: 16, token: '@7:7', length: 16 }]);
  assert.deepEqual(piece.melody, [
    { step: 2, length: 2, midi: 69 }, { step: 4, length: 6, midi: 72 },
    { step: 16, length: 3, midi: 71 }, { step: 19, length: 1, midi: 67 },
  ]);
  assert.equal(piece.steps, 32);
});

test('the page reads tokens as music/tokens.js does: junk is no note, length or chord', () => {
  const junk = ['n128', 'n060', '@foo', '@2:foo', '@12:m7', 'd0', 'd5', 'd17', '|9', '#jazz'];
  const classes = classifyVocab([...junk, 'n127', 'd16', '@NC', '|8']);
  assert.deepEqual(classes.kinds, [...junk.map(() => 'other'), 'note', 'length', 'chord', 'bar']);
  assert.deepEqual([...classes.notes], [[junk.length, 127]]);
  assert.deepEqual([...classes.lengths], [[junk.length + 1, 16]]);
  const piece = decodeLeadSheet(['<s>', '|1', '@foo', '@2:m7', 'n128', 'd4', 'n60', 'd0', 'd16', '</s>']);
  assert.deepEqual(piece.chords, [{ step: 0, length: 16, token: '@2:m7' }]);
  assert.deepEqual(piece.melody, [{ step: 0, length: 16, midi: 60 }]);
  assert.deepEqual(piece.skipped, ['@foo', 'n128', 'd4', 'd0']);
});
