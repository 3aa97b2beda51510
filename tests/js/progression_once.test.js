// A typed progression is read once, where it enters: the plan the model is given from chords read
// before (with theory's fields and the key found then) is the plan it would get from the symbols,
// and what was read is not read again (a chord the reader could not know stays unknown).

import test from 'node:test';
import assert from 'node:assert/strict';

import { followPlan } from '../../web_src/js/ai/compose.js';
import { makeProgression } from '../../web_src/js/music/progression.js';

const FAMILIES = ['maj7', 'm7', '7', 'm7b5', 'dim7', '7sus', '6', 'maj', 'm', 'sus'];
const VOCAB = ['<s>', '</s>', '|', '~', 'r', '@NC', ...FAMILIES.flatMap((family) => [...Array(12).keys()].map((root) => `@${root}:${family}`))];

// The chords of a value read by makeProgression, as ai/jobs.js hands them to the plan.
const readChords = (prog) => prog.parsed.map((c) => ({ ...c, step: c.bar * 16 + c.step, length: c.sixteenths }));
// The key a value carries: its tonic and mode, found when it was read.
const keyOf = (prog) => ({ tonic: prog.tonic, mode: prog.mode });
// The same pass from its symbols alone, read again by the plan.
const symbols = (prog) => prog.parsed.map((c) => ({ symbol: c.symbol, step: c.bar * 16 + c.step, length: c.sixteenths }));

for (const text of ['Dm7 G7 Cmaj7 Am7', 'Em9 | A13 | Dmaj7#11 | Bm7', 'Ebmaj9 | Cm9 | Fm7 Bb13', 'Am | N.C. | Dm7 G7 | %']) {
  test(`the plan from chords read once is the plan from the symbols: ${text}`, () => {
    const prog = makeProgression(text);
    const once = followPlan({ progression: readChords(prog), passBars: prog.bars, bars: 8, vocab: VOCAB, key: keyOf(prog) });
    const again = followPlan({ progression: symbols(prog), passBars: prog.bars, bars: 8, vocab: VOCAB });
    assert.deepEqual(once, again);
    assert.equal(once.key, prog.key);
  });
}

test('a key known already is used as it is, not estimated again', () => {
  const prog = makeProgression('Dm7 G7 Cmaj7 Am7');
  const plan = followPlan({ progression: readChords(prog), passBars: prog.bars, bars: 4, vocab: VOCAB, key: { tonic: 2, mode: 'minor' } });
  assert.equal(plan.key, 'D minor');
  assert.notEqual(plan.shift, followPlan({ progression: readChords(prog), passBars: prog.bars, bars: 4, vocab: VOCAB }).shift);
});

test('a chord read before is not read again', () => {
  const prog = makeProgression('Dm7 G7');
  // A chord the plan's reader would refuse, carrying theory's fields: taken as read.
  const chords = readChords(prog).map((c, i) => (i === 0 ? { ...c, symbol: 'not-a-symbol' } : c));
  const plan = followPlan({ progression: chords, passBars: prog.bars, bars: 2, vocab: VOCAB, key: keyOf(prog) });
  assert.equal(plan.chords[0].symbol, 'not-a-symbol');
  assert.throws(() => followPlan({ progression: symbols(prog).map((c, i) => (i === 0 ? { ...c, symbol: 'not-a-symbol' } : c)), passBars: 2, bars: 2, vocab: VOCAB }), /not a chord symbol/);
});
