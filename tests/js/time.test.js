// music/time.js: sixteenths, TransportTime and ticks at Tone's and MIDI's PPQ, in one place.
import test from 'node:test';
import assert from 'node:assert/strict';

import * as t from '../../web_src/js/music/time.js';
import * as theory from '../../web_src/js/music/theory.js';

test('sixteenths, TransportTime and ticks', () => {
  assert.equal(t.sixteenthsPerBar(4, 4), 16);
  assert.equal(t.sixteenthsPerBar(3, 4), 12);
  assert.equal(t.sixteenthsPerBar(6, 8), 12);
  assert.equal(t.sixteenthsToTransport(36, 16), '2:1:0');
  assert.equal(t.sixteenthsToTransport(12, 12), '1:0:0');
  for (const perBar of [16, 12]) {
    for (let s = 0; s < 100; s++) assert.equal(t.transportToSixteenths(t.sixteenthsToTransport(s, perBar), perBar), s);
  }
  assert.equal(t.transportToTicks('1:0:0', 16), 768);
  assert.equal(t.transportToTicks('0:1:2.5', 16, t.MIDI_PPQ), 780);
  assert.equal(t.sixteenthsToTicks(0.125), 6);
  assert.equal(t.describePosition(22, 16), 'bar 2, beat 2.5');
  assert.throws(() => t.transportToSixteenths('1:0', 16));
});

test('a meter in quarters and any player time in ticks, at either PPQ', () => {
  assert.equal(t.quartersPerBar([4, 4]), 4);
  assert.equal(t.quartersPerBar([6, 8]), 3);
  assert.equal(t.quartersPerBar(), 4);
  // "8m" is eight bars of the meter given, not of 4/4.
  assert.equal(t.timeToTicks('8m', 4), 8 * 4 * t.TONE_PPQ);
  assert.equal(t.timeToTicks('2m', 3), 2 * 3 * t.TONE_PPQ);
  assert.equal(t.timeToTicks('0.5m', 4), 2 * t.TONE_PPQ);
  // "B:Q:S" counts bars in the meter's quarters: bar 2 of a 3/4 song starts 3 quarters in.
  assert.equal(t.timeToTicks('1:0:0', 3), 3 * t.TONE_PPQ);
  assert.equal(t.timeToTicks('4:0:0', 4), t.timeToTicks('4m', 4));
  assert.equal(t.timeToTicks('0:1:2', 4, t.MIDI_PPQ), 480 + 240);
  assert.equal(t.timeToTicks('0:0:0.5', 4, t.MIDI_PPQ), 60); // a swung sixteenth
  assert.throws(() => t.timeToTicks('8n', 4), /not a TransportTime/);
});

test('music/theory.js passes the time functions on (the parity test reads them there)', () => {
  for (const name of ['sixteenthsPerBar', 'sixteenthsToTransport', 'transportToSixteenths', 'sixteenthsToTicks', 'timeToTicks', 'quartersPerBar']) {
    assert.equal(theory[name], t[name], name);
  }
});
