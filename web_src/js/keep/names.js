// Download names that say what a file holds, and when it was made: a song's title, the AI tune's
// key and tempo, a station tune's station, number, key and tempo, then the date:
//   first-light-2026-12-07.wav
//   ai-tune-f-sharp-minor-75-bpm-2026-12-07.mid
//   station-4821-tune-3-e-flat-major-82-bpm-recording-2026-12-07.webm
// Safe on every file system: lower-case ASCII letters, digits and hyphens only (accents dropped,
// "#" spelt "sharp"), never empty, never longer than MAX_BASE before the suffix and the date.

export const MAX_BASE = 80;

// "Café Noir!" -> "cafe-noir"; nothing usable -> `fallback`.
export function slug(text, fallback = 'lofi') {
  const ascii = String(text ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  const words = ascii
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return words.slice(0, MAX_BASE).replace(/-+$/, '') || fallback;
}

const ACCIDENTALS = { '#': 'sharp', '##': 'double-sharp', b: 'flat', bb: 'double-flat', '-': 'flat', '--': 'double-flat' };

// A key name as words: "F# minor" -> "f-sharp-minor", "Eb major" -> "e-flat-major", music21's
// "B- dorian" -> "b-flat-dorian". Anything else is slugged as it is ("" when empty).
export function keyWords(key) {
  const match = /^\s*([A-Ga-g])(##|#|bb|b|--|-)?\s+([A-Za-z]+)\s*$/.exec(String(key ?? ''));
  if (!match) return slug(key, '');
  return [match[1].toLowerCase(), ACCIDENTALS[match[2]] ?? '', match[3].toLowerCase()].filter(Boolean).join('-');
}

// The local date as YYYY-MM-DD (the listener's day, not UTC's).
export function dateStamp(date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const tempo = (bpm) => (Number.isFinite(Number(bpm)) && Number(bpm) > 0 ? `${Math.round(Number(bpm))} bpm` : '');

// What a track is, as the words of its file name:
//   {title}                          a song
//   {ai: {key, bpm}}                 the AI tune (either may be missing)
//   {tune: {station, index, key, bpm}} a station tune (index counts from 0; shown from 1)
export function trackWords(what) {
  if (what?.tune) {
    const { station, index, key, bpm } = what.tune;
    return ['station', station, 'tune', Number(index) + 1, keyWords(key), tempo(bpm)].filter((w) => w !== '' && w !== undefined && w !== null).join(' ');
  }
  if (what?.ai) return ['ai tune', keyWords(what.ai.key), tempo(what.ai.bpm)].filter(Boolean).join(' ');
  return what?.title ?? '';
}

// The whole file name: the track's words (at most MAX_BASE characters), an optional suffix
// ("recording"), the date and the extension ("mid", "wav", "webm", "ogg"...).
export function fileName(what, extension, { date = new Date(), suffix = '' } = {}) {
  const ext = slug(extension, 'bin');
  const parts = [slug(trackWords(what)), suffix ? slug(suffix, '') : '', dateStamp(date)].filter(Boolean);
  return `${parts.join('-')}.${ext}`;
}
