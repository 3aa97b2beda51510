// The lead-sheet token grammar, defined once (theory.json "leadsheet"; builder/theory.py holds the
// same functions): chord tokens ("@2:m7", "@NC") over the chord families, note tokens ("n67"),
// length tokens ("d4") and the frame, bar, tie and rest tokens. music/theory.js passes these on.

import theory from './theory.json' with { type: 'json' };
import { checkCount } from './time.js';

const LEADSHEET = theory.leadsheet;
const { START, END, BAR, TIE, REST, NC: NO_CHORD_TOKEN } = LEADSHEET.tokens;
export const FAMILIES = Object.fromEntries(theory.families.map((family) => [family.name, family]));
export const FAMILY_NAMES = theory.families.map((family) => family.name);
export const LENGTHS = LEADSHEET.lengths;
export const CHORD_TONE_BIAS = LEADSHEET.chordToneBias;
export const PHRASE_BARS = LEADSHEET.phraseBars;
export const STYLE_TOKENS = LEADSHEET.styles; // style name -> its token

const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);
const mod = (n, m) => ((n % m) + m) % m;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const whole = (source) => new RegExp(`^(?:${source})$`);

export function checkFamily(family) {
  if (!has(FAMILIES, family)) throw new Error(`unknown chord family "${family}"; known: ${FAMILY_NAMES.join(', ')}`);
}

// ---- chord tokens ------------------------------------------------------------------------------

const CHORD_TOKEN = whole(`${escape(LEADSHEET.chordPrefix)}(0|[1-9]|1[01])${escape(LEADSHEET.chordSeparator)}([^\\s]+)`);

// (2, 'm7') -> "@2:m7"; (null, null) -> "@NC".
export function chordToken(root, family) {
  if (root === null) return NO_CHORD_TOKEN;
  checkFamily(family);
  return `${LEADSHEET.chordPrefix}${mod(root, 12)}${LEADSHEET.chordSeparator}${family}`;
}

// "@2:m7" -> [2, 'm7']; "@NC" -> [null, null]; null for anything else.
export function parseChordToken(token) {
  if (token === NO_CHORD_TOKEN) return [null, null];
  const match = typeof token === 'string' ? CHORD_TOKEN.exec(token) : null;
  if (!match || !has(FAMILIES, match[2])) return null;
  return [Number(match[1]), match[2]];
}

// ---- lead-sheet tokens -------------------------------------------------------------------------

const NOTE_TOKEN = whole(`${escape(LEADSHEET.notePrefix)}(0|[1-9][0-9]{0,2})`);
const LENGTH_TOKEN = whole(`${escape(LEADSHEET.lengthPrefix)}([1-9][0-9]?)`);

// 67 -> "n67".
export function noteToken(midi) {
  if (!Number.isInteger(midi) || midi < 0 || midi > 127) throw new RangeError(`not a MIDI note number: ${midi}`);
  return `${LEADSHEET.notePrefix}${midi}`;
}

// 4 -> "d4"; only the LENGTHS exist (splitLength first).
export function lengthToken(sixteenths) {
  if (!Number.isInteger(sixteenths) || !LENGTHS.includes(sixteenths)) throw new RangeError(`no length token for ${sixteenths} sixteenths; lengths: ${LENGTHS}`);
  return `${LEADSHEET.lengthPrefix}${sixteenths}`;
}

// A length as the largest LENGTHS first: 5 -> [4, 1], 20 -> [16, 4]; 0 -> [].
export function splitLength(sixteenths) {
  checkCount(sixteenths, 'a length in sixteenths');
  const parts = [];
  let left = sixteenths;
  for (const length of [...LENGTHS].sort((a, b) => b - a)) {
    while (left >= length) {
      parts.push(length);
      left -= length;
    }
  }
  return parts;
}

// ---- bar lines and styles -----------------------------------------------------------------------

const BAR_TOKEN = whole(`${escape(BAR)}([1-9][0-9]?)`);

// The place (1..PHRASE_BARS) in its phrase of bar `bar` (from 0) of a piece.
export function barPlace(bar) {
  return mod(bar, PHRASE_BARS) + 1;
}

// The bar line that opens bar `bar` (from 0) of a piece: "|1" ... "|8".
export function barToken(bar) {
  return `${BAR}${barPlace(bar)}`;
}

// What a lead-sheet token is: {kind: 'start'|'end'|'tie'|'rest'}, {kind: 'bar', place} (1..8, null
// for a bare "|"), {kind: 'style', style} ('lofi', 'chorale'), {kind: 'chord', root, family} (both
// null for "@NC"), {kind: 'note', midi}, {kind: 'length', sixteenths}; null otherwise.
export function readToken(token) {
  if (typeof token !== 'string') return null;
  const simple = { [START]: 'start', [END]: 'end', [TIE]: 'tie', [REST]: 'rest' };
  if (has(simple, token)) return { kind: simple[token] };
  if (token === BAR) return { kind: 'bar', place: null };
  const bar = BAR_TOKEN.exec(token);
  if (bar && Number(bar[1]) >= 1 && Number(bar[1]) <= PHRASE_BARS) return { kind: 'bar', place: Number(bar[1]) };
  for (const [style, spelling] of Object.entries(STYLE_TOKENS)) if (token === spelling) return { kind: 'style', style };
  const chord = parseChordToken(token);
  if (chord !== null) return { kind: 'chord', root: chord[0], family: chord[1] };
  let match = NOTE_TOKEN.exec(token);
  if (match && Number(match[1]) <= 127) return { kind: 'note', midi: Number(match[1]) };
  match = LENGTH_TOKEN.exec(token);
  if (match && LENGTHS.includes(Number(match[1]))) return { kind: 'length', sixteenths: Number(match[1]) };
  return null;
}
