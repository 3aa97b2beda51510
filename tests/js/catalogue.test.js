// catalogue.js readSong: a song's "B:Q:S" times are read once, when it is loaded.
import test from 'node:test';
import assert from 'node:assert/strict';

import { readSong } from '../../web_src/js/catalogue.js';

test('every event gains its start and length in sixteenths, in the song\'s meter', () => {
  const song = {
    id: 'waltz',
    timeSignature: [3, 4],
    parts: [{ name: 'melody', instrument: 'piano', events: [
      { time: '0:0:0', duration: '0:1:0', notes: ['E4'] },
      { time: '1:0:2', duration: '1:0:0', notes: ['G4'] },
    ] }],
  };
  const read = readSong(song);
  assert.deepEqual(read.parts[0].events.map((e) => [e.step, e.length]), [[0, 4], [14, 12]]);
  assert.equal(read.parts[0].events[1].time, '1:0:2'); // kept for display
  assert.equal(song.parts[0].events[0].step, undefined); // the fetched object is left as it was
});

test('a time that is not "B:Q:S" names the file and the event', () => {
  const song = { id: 'bad', parts: [{ events: [{ time: '0:0:0', duration: '0:1:0' }, { time: '8n', duration: '0:1:0' }] }] };
  assert.throws(() => readSong(song), /^Error: songs\/bad\.json: parts\[0\]\.events\[1\]: not a TransportTime "BARS:QUARTERS:SIXTEENTHS": 8n$/);
});
