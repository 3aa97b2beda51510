// Mood from text: a sentence is scored with the `sentiment` package (AFINN-165 word list: each
// known word is -5..+5; `comparative` is the sum divided by the number of words), and the score
// picks a mode, a tempo and a chord progression. Words of place and time (rain, fire, creek, late,
// coffee, study, sleep...) also pick the ambience and the drum pattern and nudge the tempo. The
// explanation says in plain words what was chosen and which of the listener's words chose it.

import Sentiment from 'sentiment';

let analyzer = null;

// From the darkest mood to the brightest: a valence band, its progression, and the ambience and
// drums it gets when the sentence names none. The progressions are in different keys on purpose:
// the AI solo is primed in C major / A minor and moved back to the progression's key.
export const MOODS = [
  { upTo: -0.5, name: 'heavy', mode: 'minor', progression: 'Cm7 Abmaj7 Fm7 G7', chords: 'slow minor chords', ambience: 'rain', drums: 'half-time' },
  { upTo: -0.1, name: 'wistful', mode: 'minor', progression: 'Em7 Cmaj7 Am7 B7', chords: 'minor chords with a warm turn', ambience: 'wind', drums: 'half-time' },
  { upTo: 0.1, name: 'calm', mode: 'major', progression: 'Dm7 G7 Cmaj7 Am7', chords: 'easy major chords', ambience: 'water', drums: 'boom-bap' },
  { upTo: 0.5, name: 'warm', mode: 'major', progression: 'Ebmaj7 Cm7 Fm7 Bb7', chords: 'warm major chords', ambience: 'fireplace', drums: 'lazy-sunday' },
  { upTo: Infinity, name: 'bright', mode: 'major', progression: 'Gmaj7 E7 Am7 D7', chords: 'bright, sunny chords', ambience: null, drums: 'lazy-sunday' },
];

// Place words: the ambience ids of content/ambience/ (null: a quiet night, no ambience).
export const AMBIENCE_WORDS = {
  rain: ['rain', 'rainy', 'raining', 'rained', 'rains', 'rainfall', 'drizzle', 'drizzly', 'storm', 'stormy', 'thunder', 'thunderstorm', 'downpour', 'umbrella', 'showers', 'wet'],
  fireplace: ['fire', 'fireplace', 'fireside', 'firelight', 'hearth', 'campfire', 'bonfire', 'embers', 'candle', 'candles', 'cozy', 'cosy', 'snow', 'snowy', 'snowing', 'winter'],
  wind: ['wind', 'windy', 'breeze', 'breezy', 'gust', 'gusty', 'gale', 'trees', 'forest', 'woods', 'leaves', 'autumn'],
  water: ['creek', 'river', 'stream', 'brook', 'water', 'waves', 'lake', 'pond', 'ocean', 'sea', 'shore', 'beach', 'waterfall'],
  null: ['night', 'nighttime', 'midnight', 'stars', 'starry', 'moon', 'quiet', 'silence', 'silent'],
};

// Time and activity words: the drum pattern ids of content/drums/ (null: no drums).
export const DRUM_WORDS = {
  'half-time': ['late', 'tonight', 'night', 'midnight', 'tired', 'slow', 'lazy', 'rainy', 'rain', 'melancholy', 'alone'],
  'boom-bap': ['study', 'studying', 'focus', 'work', 'working', 'homework', 'exam', 'exams', 'code', 'coding', 'read', 'reading', 'write', 'writing', 'city', 'walk', 'walking'],
  'lazy-sunday': ['coffee', 'tea', 'cafe', 'morning', 'breakfast', 'sunday', 'weekend', 'chill', 'relax', 'relaxed', 'relaxing', 'brunch', 'sunny', 'sun'],
  null: ['sleep', 'sleepy', 'asleep', 'sleeping', 'bed', 'bedtime', 'nap', 'dream', 'dreams', 'dreaming', 'meditate', 'meditation'],
};

// Tempo nudges in bpm: sleep and late nights slow down, mornings and coffee speed up a little.
const TEMPO_WORDS = { sleep: -8, sleepy: -8, asleep: -8, bedtime: -8, nap: -6, late: -4, midnight: -4, tonight: -3, night: -3, tired: -3, slow: -4, coffee: 4, morning: 4, breakfast: 3, study: 2, focus: 2, work: 2, walk: 3 };

// AFINN reads some scene words out of context ("fire" as in being fired): their lo-fi valence.
const VALENCE_WORDS = { fire: 1, fireplace: 2, fireside: 2, campfire: 1, hearth: 2, cozy: 2, cosy: 2, coffee: 1, tea: 1, sunny: 2, sun: 1, morning: 1, rain: -1, rainy: -1, storm: -1, stormy: -1, thunder: -1, drizzle: -1, night: -1, midnight: -1, late: -1, lonely: -2 };

const NEGATIONS = new Set(['no', 'not', 'without', 'never', "don't", 'dont', 'nor']);

const AMBIENCE_SAY = { rain: 'Rain on the window', fireplace: 'A crackling fire', wind: 'Wind in the trees', water: 'A creek', null: 'A quiet night' };
const DRUMS_SAY = { 'half-time': 'a slow half-time beat', 'boom-bap': 'a steady boom-bap', 'lazy-sunday': 'a soft, lazy beat', null: 'no drums' };

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
const key = (id) => (id === null ? 'null' : id); // object keys of the tables above
const idOf = (k) => (k === 'null' ? null : k);

// The sentence's words in order, lower case, with the ones right after "no"/"not"/"without" set
// aside: "no drums, no rain" must not pick rain.
export function wordsOf(sentence) {
  const words = sentence.toLowerCase().match(/[a-z']+/g) ?? [];
  return words.filter((word, i) => !NEGATIONS.has(word) && !NEGATIONS.has(words[i - 1]));
}

// The option whose words the sentence uses most (the first mentioned wins a tie), with those words.
export function pick(table, words) {
  let best = null;
  for (const [option, list] of Object.entries(table)) {
    const hits = words.filter((w) => list.includes(w));
    if (!hits.length) continue;
    const first = words.indexOf(hits[0]);
    if (!best || hits.length > best.hits.length || (hits.length === best.hits.length && first < best.first)) best = { id: idOf(option), hits, first };
  }
  return best;
}

const listWords = (words) => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`);

// text -> {text, score, comparative, valence, positive, negative, mood, mode, bpm, progression,
//          ambience, drums, heard, reason, radioReason, detail}. ambience and drums are ids of content/ (null: off).
export function moodFromText(text) {
  const sentence = String(text ?? '').trim();
  if (!sentence) throw new Error('write a sentence about your mood');
  analyzer ??= new Sentiment();
  const result = analyzer.analyze(sentence, { extras: VALENCE_WORDS });
  // Valence -1..1: a comparative of ±1.5 (e.g. "so sad", "really happy") is already strong.
  const valence = clamp(result.comparative / 1.5, -1, 1);
  const mood = MOODS.find((m) => valence <= m.upTo);
  const words = wordsOf(sentence);
  // A named place beats a quiet night ("night by the fire" is the fire); sleep beats any beat.
  const { null: quietWords, ...places } = AMBIENCE_WORDS;
  const { null: sleepWords, ...beats } = DRUM_WORDS;
  const scene = pick(places, words) ?? pick({ null: quietWords }, words);
  const beat = pick({ null: sleepWords }, words) ?? pick(beats, words);
  const ambience = scene ? scene.id : mood.ambience;
  const drums = beat ? beat.id : mood.drums;
  const nudge = [...new Set(words)].reduce((sum, w) => sum + (TEMPO_WORDS[w] ?? 0), 0);
  const bpm = clamp(Math.round(72 + 12 * valence + clamp(nudge, -10, 8)), 56, 90);

  // The listener's words that chose something, in the order they wrote them.
  const chose = new Set([...(scene?.hits ?? []), ...(beat?.hits ?? []), ...Object.keys(TEMPO_WORDS).filter((w) => words.includes(w)), ...result.positive, ...result.negative]);
  const heard = [...new Set(words.filter((w) => chose.has(w)))];
  const place = ambience === null && !scene ? 'Just the music' : AMBIENCE_SAY[key(ambience)];
  const what = `${place} and ${DRUMS_SAY[key(drums)]}, ${mood.chords} (${mood.progression}) at ${bpm} bpm`;
  const why = heard.length ? `you said ${listWords(heard.map((w) => `"${w}"`))}` : `your words sounded ${mood.name}`;
  const reason = `${what}: ${why}.`;
  // The radio plans its tunes by the mood, not by one progression: what it takes from it.
  const radioReason = `${place} and ${DRUMS_SAY[key(drums)]}, ${mood.mode} tunes around ${bpm} bpm: ${why}.`;
  const detail = `Sentiment score ${result.score} (${result.comparative.toFixed(2)} a word), so a ${mood.name} mood in ${mood.mode}.`;
  return {
    text: sentence,
    score: result.score,
    comparative: result.comparative,
    valence,
    positive: [...result.positive],
    negative: [...result.negative],
    mood: mood.name,
    mode: mood.mode,
    bpm,
    progression: mood.progression,
    ambience,
    drums,
    heard,
    reason,
    radioReason,
    detail,
  };
}
