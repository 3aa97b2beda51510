// Mood from text (web_src/js/music/mood.js): the words of a sentence pick the ambience and the drum
// pattern as well as the mode, tempo and chords, and the explanation says which words did it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { AMBIENCE_WORDS, DRUM_WORDS, MOODS, moodFromText, wordsOf } from '../../web_src/js/music/mood.js';
import { parseProgression } from '../../web_src/js/music/progression.js';

const content = (folder) =>
  readdirSync(fileURLToPath(new URL(`../../content/${folder}/`, import.meta.url)))
    .filter((name) => name.endsWith('.toml'))
    .map((name) => name.slice(0, -'.toml'.length));

test('every ambience and drum id a mood can pick is one the site ships (null: off)', () => {
  const ambience = new Set(content('ambience'));
  const drums = new Set(content('drums'));
  const picks = [...Object.keys(AMBIENCE_WORDS), ...MOODS.map((m) => String(m.ambience))];
  for (const id of picks) assert.ok(id === 'null' || ambience.has(id), `ambience "${id}" is not in content/ambience/`);
  for (const id of [...Object.keys(DRUM_WORDS), ...MOODS.map((m) => String(m.drums))]) {
    assert.ok(id === 'null' || drums.has(id), `drum pattern "${id}" is not in content/drums/`);
  }
  for (const mood of MOODS) assert.deepEqual(parseProgression(mood.progression).errors, [], mood.progression);
});

test('rain and late: rain on the window, a slow beat, minor, slower, and it says why', () => {
  const choice = moodFromText('Rainy and late');
  assert.equal(choice.ambience, 'rain');
  assert.equal(choice.drums, 'half-time');
  assert.equal(choice.mode, 'minor');
  assert.ok(choice.bpm < 72, `${choice.bpm} bpm`);
  assert.deepEqual(choice.heard, ['rainy', 'late']);
  assert.match(choice.reason, /^Rain on the window and a slow half-time beat/);
  assert.match(choice.reason, /you said "rainy" and "late"\.$/);
  assert.ok(choice.reason.includes(choice.progression) && choice.reason.includes(`${choice.bpm} bpm`));
});

test('each place word picks its ambience', () => {
  const cases = { 'a fire in the fireplace': 'fireplace', 'wind in the trees': 'wind', 'by the creek': 'water', 'down by the river': 'water', 'a stream': 'water', 'it is raining': 'rain', 'a starry night': null };
  for (const [sentence, ambience] of Object.entries(cases)) assert.equal(moodFromText(sentence).ambience, ambience, sentence);
});

test('each time or activity word picks its beat, and sleep turns the drums off', () => {
  const cases = { 'coffee on a sunday morning': 'lazy-sunday', 'time to study': 'boom-bap', 'late again': 'half-time', 'sleep': null, 'late night, time to sleep': null };
  for (const [sentence, drums] of Object.entries(cases)) assert.equal(moodFromText(sentence).drums, drums, sentence);
});

test('a fire is cosy, not a firing: AFINN\'s "fire" is read in a lo-fi sense', () => {
  const fire = moodFromText('sitting by the fire');
  assert.equal(fire.mode, 'major');
  assert.equal(fire.ambience, 'fireplace');
});

test('a named place beats a quiet night, and "no rain" does not pick rain', () => {
  assert.equal(moodFromText('night by the fire').ambience, 'fireplace');
  assert.equal(moodFromText('no rain, just wind').ambience, 'wind');
  assert.deepEqual(wordsOf('No rain, not tonight: coffee'), ['coffee']);
});

test('sleep and late slow the tempo, coffee speeds it up, within 56..90 bpm', () => {
  const plain = moodFromText('a day').bpm;
  assert.ok(moodFromText('a sleepy day').bpm < plain);
  assert.ok(moodFromText('a coffee day').bpm > plain);
  for (const sentence of ['sleep sleep so tired sad awful terrible late midnight', 'coffee coffee amazing wonderful superb morning']) {
    const { bpm } = moodFromText(sentence);
    assert.ok(bpm >= 56 && bpm <= 90, `${sentence}: ${bpm}`);
  }
});

test('without place or time words the mood picks a fitting scene and says so plainly', () => {
  const sad = moodFromText('I feel sad and awful');
  assert.deepEqual([sad.mode, sad.ambience, sad.drums], ['minor', 'rain', 'half-time']);
  const happy = moodFromText('What a wonderful, happy day');
  assert.deepEqual([happy.mode, happy.ambience, happy.drums], ['major', null, 'lazy-sunday']);
  assert.match(happy.reason, /^Just the music and a soft, lazy beat/);
  const none = moodFromText('hello there');
  assert.match(none.reason, /your words sounded calm\.$/);
  assert.match(none.detail, /^Sentiment score 0 /);
});

test('an empty sentence is refused', () => {
  assert.throws(() => moodFromText('   '), /write a sentence/);
});
