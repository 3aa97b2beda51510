// Mood from text (issue 7): a sentence is scored with the `sentiment` package (AFINN-165 word
// list: each known word is -5..+5; `comparative` is the sum divided by the number of words), and
// the score picks a mode, a tempo and a chord progression. The page shows the choice and why.

import Sentiment from 'sentiment';

let analyzer = null;

// From the darkest mood to the brightest: a valence band, its progression and how it is described.
// The progressions are in different keys on purpose: the AI solo is primed in C major / A minor and
// moved back to the progression's key (progression.js).
export const MOODS = [
  { upTo: -0.5, name: 'heavy', mode: 'minor', progression: 'Cm7 Abmaj7 Fm7 G7', why: 'a slow minor loop that sinks to the dominant' },
  { upTo: -0.1, name: 'wistful', mode: 'minor', progression: 'Em7 Cmaj7 Am7 B7', why: 'minor, with a warm major seventh in the middle' },
  { upTo: 0.1, name: 'calm', mode: 'major', progression: 'Dm7 G7 Cmaj7 Am7', why: 'the classic ii-V-I-vi, neither up nor down' },
  { upTo: 0.5, name: 'warm', mode: 'major', progression: 'Ebmaj7 Cm7 Fm7 Bb7', why: 'major sevenths with a gentle turnaround' },
  { upTo: Infinity, name: 'bright', mode: 'major', progression: 'Gmaj7 E7 Am7 D7', why: 'a sunny turnaround with secondary dominants' },
];

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));

// text -> {text, score, comparative, valence, positive, negative, mood, mode, bpm, progression, reason}.
export function moodFromText(text) {
  const sentence = String(text ?? '').trim();
  if (!sentence) throw new Error('write a sentence about your mood');
  analyzer ??= new Sentiment();
  const result = analyzer.analyze(sentence);
  // Valence -1..1: a comparative of ±1.5 (e.g. "so sad", "really happy") is already strong.
  const valence = clamp(result.comparative / 1.5, -1, 1);
  const mood = MOODS.find((m) => valence <= m.upTo);
  const bpm = Math.round(72 + 12 * valence); // 60 (heavy) .. 84 (bright) bpm
  const words = [
    result.positive.length ? `positive: ${result.positive.join(', ')}` : null,
    result.negative.length ? `negative: ${result.negative.join(', ')}` : null,
  ].filter(Boolean);
  const reason =
    `Sentiment score ${result.score} (${result.comparative.toFixed(2)} a word${words.length ? `; ${words.join('; ')}` : '; no mood words found'}), ` +
    `so a ${mood.name} mood: ${mood.mode} mode, ${bpm} bpm and "${mood.progression}", ${mood.why}.`;
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
    reason,
  };
}
