// The sampler's phrase preferences (web_src/js/ai/shaping.js) and copy guard (ai/copyguard.js),
// driven through the lead-sheet grammar without a model. tests/test_shaping.py checks that the
// build's twin gives the same bonuses.
import test from 'node:test';
import assert from 'node:assert/strict';

import theory from '../../web_src/js/music/theory.json' with { type: 'json' };
import { LeadSheetGrammar, classifyVocab } from '../../web_src/js/ai/grammar.js';
import { Shaper, clashPitchClasses, shapeStep } from '../../web_src/js/ai/shaping.js';
import { CopyGuard, runHash } from '../../web_src/js/ai/copyguard.js';

const { START, END, TIE, REST } = theory.leadsheet.tokens;
const P = theory.leadsheet.shaping;
const BARS = Array.from({ length: theory.leadsheet.phraseBars }, (_, i) => `${theory.leadsheet.tokens.BAR}${i + 1}`);
const VOCAB = [
  START, END, theory.leadsheet.tokens.BAR, ...BARS, ...Object.values(theory.leadsheet.styles), TIE, REST,
  '@0:maj7', '@9:m7', '@7:7',
  ...[60, 62, 64, 65, 67, 69, 71, 72].map((m) => `n${m}`),
  ...[1, 2, 3, 4, 6, 8, 12, 16].map((k) => `d${k}`),
];
const CLASSES = classifyVocab(VOCAB);
const id = (token) => CLASSES.index.get(token);
const FILLER = ['n67', 'd4', 'n69', 'd4', 'n67', 'd4', 'n64', 'd4'];

// Writes `drawn` wherever the grammar lets the sampler choose; returns the shaped step before each.
function walk(drawn, { bars = 8, guard = null } = {}) {
  const grammar = new LeadSheetGrammar(CLASSES, { bars, changes: [{ step: 0, token: '@0:maj7' }], chordPitchClasses: () => [0, 4, 7, 11, 2] });
  const shaping = { shaper: new Shaper(CLASSES), guard: guard ? new CopyGuard(guard, CLASSES) : null };
  const seen = [];
  const queue = [...drawn];
  while (!grammar.done) {
    const step = grammar.next();
    if (step.forced === undefined && !queue.length) break;
    let chosen = step.forced;
    if (chosen === undefined) {
      seen.push({ bar: grammar.bar, pos: grammar.pos, step: shapeStep(step, grammar, shaping) });
      chosen = id(queue.shift());
    }
    shaping.shaper.take(grammar, chosen);
    shaping.guard?.take(chosen);
    grammar.accept(chosen);
  }
  return seen;
}

const bonus = (step, token) => step.bonus?.get(id(token)) ?? 0;

test('a phrase end adds its preference to the chord-tone bias; an inner bar frowns on long notes', () => {
  const seen = walk([...FILLER, ...FILLER, ...FILLER, 'n72', 'd8']);
  assert.equal(bonus(seen[1].step, 'd8'), P.innerLong);
  const { bar, pos, step } = seen[24];
  assert.deepEqual([bar, pos], [3, 0]);
  assert.equal(bonus(step, 'n72'), theory.leadsheet.chordToneBias + P.landingTone); // both, added
  assert.equal(bonus(step, 'n65'), P.clash); // F over the voiced E
  assert.equal(bonus(seen[25].step, 'd8'), P.landingLength);
  assert.equal(bonus(seen[25].step, 'd4'), P.landingQuarter);
});

test('clashes: a semitone over the voicing, never a chord tone', () => {
  assert.deepEqual([...clashPitchClasses('@0:maj7')].sort((a, b) => a - b), [1, 3, 5, 8]);
  assert.ok(!clashPitchClasses('@9:m7').has(0));
  assert.equal(clashPitchClasses('@NC').size, 0);
});

test('the copy guard refuses the length that completes a guarded run, unless it is the only one', () => {
  const events = [];
  for (let i = 0; i < 13; i++) events.push(`n${[60, 64, 67, 72][i % 4]} d${i === 12 ? 4 : 2}`);
  const drawn = events.flatMap((e) => e.split(' '));
  const guard = { n: 13, hashes: [runHash(events)] };
  const seen = walk(drawn, { guard });
  const last = seen.at(-1).step;
  assert.ok(!last.allowed.includes(id('d4')) && last.allowed.includes(id('d2')));
  const alone = new CopyGuard(guard, CLASSES);
  for (const token of drawn.slice(0, -1)) alone.take(id(token));
  assert.deepEqual(alone.allowed([id('d4')]), [id('d4')]);
  assert.deepEqual(alone.allowed([id('d2'), id('d4')]), [id('d2')]);
});
