// What was read once goes on as read: each test hands a module a value whose text (or name, or bar
// and step) says one thing and whose read fields say another, so a module that read the text
// again would follow the text and fail.

import test from 'node:test';
import assert from 'node:assert/strict';

import { createJobs } from '../../web_src/js/ai/jobs.js';
import { pieceBars, requestPlan } from '../../web_src/js/ai/compose.js';
import { createLeadSheetDecoder } from '../../web_src/js/ai/leadsheet.js';
import { makeProgression, parseProgression } from '../../web_src/js/music/progression.js';
import { readToken } from '../../web_src/js/music/tokens.js';

const FAMILIES = ['maj7', 'm7', '7', 'm7b5', 'dim7', '7sus', '6', 'maj', 'm', 'sus'];
const VOCAB = ['<s>', '</s>', '|', '~', 'r', '@NC', ...FAMILIES.flatMap((family) => [...Array(12).keys()].map((root) => `@${root}:${family}`))];

test('the lead-sheet decoder takes the token as its caller read it', () => {
  const decoder = createLeadSheetDecoder();
  decoder.push('|', readToken('|'));
  decoder.push('n60', readToken('n62')); // read as another pitch than its text says
  decoder.push('d4', readToken('d4'));
  decoder.push('</s>', readToken('</s>'));
  assert.deepEqual(decoder.melody, [{ step: 0, length: 4, midi: 62 }]);
  // Without a read token it reads the token itself.
  const alone = createLeadSheetDecoder();
  for (const token of ['|', 'n60', 'd4', '</s>']) alone.push(token);
  assert.deepEqual(alone.melody, [{ step: 0, length: 4, midi: 60 }]);
});

test("a plan puts each chord at its start and takes the value's tonic and mode, not its key's name", () => {
  const value = makeProgression('Dm7 G7');
  // G7 moved to the middle of bar 1: a plan that made its step from bar and step would put it at 16.
  const moved = { ...value, key: 'F# major', parsed: value.parsed.map((c, i) => (i === 1 ? { ...c, start: 8 } : c)) };
  const plan = requestPlan({ progression: moved, bars: 2, vocab: VOCAB });
  assert.deepEqual(plan.chords.map((c) => [c.symbol, c.step]), [['Dm7', 0], ['G7', 8]]);
  assert.equal(plan.key, value.key);
});

test("a progression in another meter is planned on its own bars (the value's barLength)", () => {
  const text = 'Dm7 | G7 | Cmaj7';
  const threeFour = parseProgression(text, [3, 4]);
  const value = { ...makeProgression(text), meter: threeFour.meter, barLength: threeFour.barLength, parsed: threeFour.chords };
  const plan = requestPlan({ progression: value, bars: 3, vocab: VOCAB });
  assert.equal(plan.barLength, 12);
  assert.deepEqual(plan.chords.map((c) => [c.symbol, c.step, c.length]), [['Dm7', 0, 12], ['G7', 12, 12], ['Cmaj7', 24, 12]]);
});

test('a job is handed the progression value; text given with the options is not read again', async () => {
  const loader = { meta: { encoding: 'leadsheet', defaults: { temperature: 1 } }, isLeadSheet: () => true };
  const jobs = createJobs({ loader, status: { set() {} } });
  const value = { ...makeProgression('Dm7 G7 Cmaj7 Am7'), text: 'E A B E' };
  const { request } = await jobs.request({ progression: 'not chords at all', seed: 4 }, value);
  assert.equal(request.progression, value);
  assert.equal(request.bars, pieceBars(null, value.bars));
  assert.equal(jobs.barLengthOf(request), 16);
  assert.equal(jobs.barLengthOf({ progression: null }), 16);
});

test('a refused progression carries the chords read beside its errors (the field says both from one reading)', () => {
  let error;
  try {
    makeProgression('Dm7 Gx7 Cmaj7');
  } catch (err) {
    error = err;
  }
  assert.ok(error, 'Gx7 is refused');
  assert.deepEqual(error.errors.map((e) => e.symbol), ['Gx7']);
  assert.deepEqual(error.chords.map((c) => [c.symbol, c.bar]), [['Dm7', 0], ['Cmaj7', 2]]);
});
