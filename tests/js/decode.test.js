// ai/decode.js: a timed solo's tokens -> note events on the sixteenth grid, one token at a time.
import test from 'node:test';
import assert from 'node:assert/strict';

import { createDecoder, splitToken } from '../../web_src/js/ai/decode.js';

const decode = (tokens, options) => {
  const decoder = createDecoder(options);
  const pushed = tokens.map((token) => decoder.push(token));
  return { decoder, pushed };
};

test('timed tokens carry their own lengths; rests move time, frames and junk do not', () => {
  const { decoder, pushed } = decode(['<s>', 'r:4', 'E4:2', 'r:2', '0.4.7:4', 'nonsense', '</s>'], { seed: 3 });
  assert.deepEqual(pushed.map((e) => e && e.token), [null, null, 'E4:2', null, '0.4.7:4', null, null]);
  const [note, chord] = decoder.events;
  // A leading rest is dropped, so the solo starts on its first beat.
  assert.deepEqual([note.time, note.duration, note.step, note.notes], ['0:0:0', '0:0:2', 0, ['E4']]);
  assert.deepEqual([chord.time, chord.duration, chord.step, chord.notes], ['0:1:0', '0:1:0', 4, ['C4', 'E4', 'G4']]);
  assert.equal(decoder.steps, 8);
  assert.deepEqual(decoder.skipped, ['nonsense']);
});

test('a token without a length is not played; the same seed gives the same velocities, a bar every 16 steps', () => {
  const tokens = Array.from({ length: 40 }, (_, i) => (i % 5 === 4 ? 'r:1' : `A3:${1 + (i % 3)}`));
  const a = decode(tokens, { seed: 11 }).decoder;
  const b = decode(tokens, { seed: 11 }).decoder;
  const c = decode(tokens, { seed: 12 }).decoder;
  assert.deepEqual(a.events, b.events);
  assert.notDeepEqual(a.events.map((e) => e.velocity), c.events.map((e) => e.velocity));
  for (const event of a.events) {
    const [bars, quarters, sixteenths] = event.time.split(':').map(Number);
    assert.equal(bars * 16 + quarters * 4 + sixteenths, event.step);
  }
  assert.ok(a.events.every((e) => e.velocity >= 0.6 && e.velocity <= 0.85));
  const { decoder, pushed } = decode(['E4', 'r', 'E4:2']);
  assert.deepEqual(pushed.map((e) => e && e.token), [null, null, 'E4:2']);
  assert.deepEqual(decoder.skipped, ['E4', 'r']);
  assert.equal(decoder.steps, 2);
});

test('splitToken', () => {
  assert.deepEqual(splitToken('E4:2'), { base: 'E4', length: 2 });
  assert.deepEqual(splitToken('0.4.7:0'), { base: '0.4.7', length: 1 });
  assert.deepEqual(splitToken('r'), { base: 'r', length: null });
});
