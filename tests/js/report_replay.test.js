// The report's listening pieces, rebuilt by the page's code from the tokens the build kept
// (content/model/meta.json "listening"): the chords, melody and key the page plays are those the
// build composed and drew (builder/generate.py compose), and the AI track's three parts play them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { pieceArrangement, planOf, replay } from '../../web_src/js/report/replay.js';
import { followPlan, freePlan, requestPlan } from '../../web_src/js/ai/compose.js';
import { makeProgression } from '../../web_src/js/music/progression.js';

const meta = JSON.parse(readFileSync(new URL('../../content/model/meta.json', import.meta.url)));
const pieces = meta.listening;

test('the committed model has listening pieces over given chords and its own', () => {
  assert.equal(pieces.length, 3);
  assert.deepEqual(pieces.map((p) => Boolean(p.follows)), [true, true, false]);
});

for (const [index, entry] of pieces.entries()) {
  test(`piece ${index + 1}: the page's code rebuilds the chords, melody and key the build drew`, () => {
    const { piece } = replay(entry, meta.vocabulary);
    assert.equal(piece.key, entry.key);
    assert.deepEqual(piece.chords, entry.chords);
    assert.deepEqual(piece.melody, entry.melody);
    assert.equal(piece.bars, entry.bars);
    assert.equal(piece.mode, entry.follows ? 'follow' : 'free');
  });
}

test('a piece plays as the AI track: melody on the piano, comping on the electric piano, the bass', () => {
  const entry = pieces[0];
  const arrangement = pieceArrangement(entry, meta.vocabulary, { swing: 57 });
  assert.equal(arrangement.id, 'ai');
  assert.equal(arrangement.swing, 57);
  assert.equal(arrangement.loopBars, entry.bars);
  assert.deepEqual(arrangement.parts.map((p) => [p.role, p.instrument]), [['melody', 'piano'], ['chords', 'epiano'], ['bass', 'bass']]);
  const [melody, chords, bass] = arrangement.parts;
  assert.equal(melody.events.length, entry.melody.length);
  assert.deepEqual(melody.events.map((e) => e.step), entry.melody.map((n) => n.step));
  assert.ok(chords.events.length >= entry.chords.length && bass.events.length >= entry.chords.length);
  const end = entry.bars * 16;
  for (const part of arrangement.parts) assert.ok(part.events.every((e) => e.step >= 0 && e.step + e.length <= end), part.role);
});

test('another seed or a changed token is another piece', () => {
  const entry = pieces[2];
  // A free piece's key comes from its seed (ai/compose.js freePlan), as in the page's own pieces.
  const shifts = new Set([0, 1, 2, 3, 4].map((k) => planOf({ ...entry, seed: entry.seed + k }, meta.vocabulary).shift));
  assert.ok(shifts.size > 1);
  const at = entry.tokens.findIndex((t) => /^n\d+$/.test(t));
  const moved = entry.tokens.map((t, i) => (i === at ? `n${Number(t.slice(1)) + 1}` : t));
  assert.notDeepEqual(replay({ ...entry, tokens: moved }, meta.vocabulary).piece.melody, entry.melody);
});

// The plan is ai/compose.js requestPlan, the one ai/jobs.js gives a request: the chord text read
// once, its chords and key used as read; none, the seed's free key.
test("a piece is planned as the page plans a request, from its chords as read", () => {
  for (const entry of pieces) {
    const plan = planOf(entry, meta.vocabulary);
    if (!entry.follows) {
      assert.deepEqual(plan, freePlan({ seed: entry.seed, bars: entry.bars, barLength: 16 }));
      continue;
    }
    const prog = makeProgression(entry.follows);
    // The same plan as the symbols alone give, read again by followPlan and their key estimated.
    const symbols = prog.chords.map((c) => ({ symbol: c.symbol, step: c.bar * 16 + c.step, length: c.sixteenths }));
    assert.deepEqual(plan, followPlan({ progression: symbols, passBars: prog.bars, bars: entry.bars, vocab: meta.vocabulary }));
    assert.equal(plan.key, prog.key);
  }
  // A value read elsewhere is planned from what it holds (its chords, its tonic and mode), not from
  // its text or its key's name read again.
  const value = { ...makeProgression('Dm7 G7 Cmaj7 Am7'), text: 'E A B E', key: 'F major', tonic: 2, mode: 'dorian' };
  const plan = requestPlan({ progression: value, seed: 3, bars: 8, vocab: meta.vocabulary });
  assert.deepEqual(plan.chords.slice(0, 4).map((c) => c.symbol), ['Dm7', 'G7', 'Cmaj7', 'Am7']);
  assert.equal(plan.key, 'D dorian');
  assert.equal(requestPlan({ progression: null, seed: 3, bars: 8, vocab: meta.vocabulary }).mode, 'free');
});
