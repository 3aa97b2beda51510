// Arrangements: what the player plays. {id, bpm, timeSignature, swing, loopBars, parts: [{name,
// instrument, role?, events, loopBars?, swing?, attach?}]}, events {step, length, notes, velocity}:
// step and length in sixteenths from the start (a song's read once by catalogue.js readSong, the
// AI's written so). A song, a decoded timed solo or a lead sheet, all in the same shape. `swing`
// (MPC percent, audio/swing.js) is the groove of every part and of the drums under them; null
// until the player gives it the drum pattern's (withSwing). A part's own `swing` (a station
// tune's) overrides it.

import { backingPart } from '../music/progression.js';

// The AI track's tempo: its solos, lead sheets and backing (ai/arrange.js).
export const AI_BPM = 75;

export function songArrangement(song) {
  return {
    id: song.id,
    bpm: Number(song.bpm) || AI_BPM,
    timeSignature: Array.isArray(song.timeSignature) ? song.timeSignature : [4, 4],
    swing: song.swing ?? null, // a song without one swings as its drums do
    loopBars: Number(song.bars) || null,
    parts: (song.parts || []).map((part) => ({ name: part.name, instrument: part.instrument, events: part.events || [] })),
  };
}

// A decoded solo: loops every `loopBars` bars (the seed article loops AI solos every 30 measures).
export function soloArrangement(decoded, { loopBars = 30, instrument = 'epiano' } = {}) {
  return {
    id: 'ai',
    bpm: AI_BPM,
    timeSignature: [4, 4],
    swing: null,
    loopBars,
    parts: [{ name: 'ai-solo', instrument, role: 'melody', events: decoded.events }],
  };
}

// The arrangement with a groove: its own swing (a song's), or else `swing` (the drum pattern's).
export function withSwing(arrangement, swing) {
  if (arrangement.swing === null || arrangement.swing === undefined) arrangement.swing = swing;
  return arrangement;
}

// A timed solo with the listener's progression under it: the chords loop on their own bars.
export function withBacking(arrangement, progression) {
  if (progression) arrangement.parts.push(backingPart(progression));
  return arrangement;
}
