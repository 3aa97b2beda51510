// The current track as a Standard MIDI File (@tonejs/midi), and a reader for one (a check that what
// was written reads back). Nothing leaves the page.

import MidiModule from '@tonejs/midi';
import { noteToMidi } from '../music/pitch.js';
import { MIDI_PPQ, sixteenthsPerBar, sixteenthsToTicks } from '../music/time.js';

const { Midi } = MidiModule; // @tonejs/midi 2.0.28 is CommonJS: its exports arrive as the default
// General MIDI programs for the page's instruments.
const PROGRAMS = { piano: 0, epiano: 4, bass: 33, pad: 89, pluck: 45 };

const midiTicks = (sixteenths) => sixteenthsToTicks(sixteenths, MIDI_PPQ);

// An arrangement (audio/arrangement.js: {id, bpm, timeSignature, parts: [{name, instrument, events}]}) ->
// {bytes: Uint8Array, notes: [{track, midi, ticks, durationTicks, velocity}]}. One track per part;
// `bars` (optional) drops notes that start at or after that bar (the loop length), cuts the notes
// that ring past it, and ends every track there, so all tracks are the loop's length (a melody
// that ends on a rest included).
export function arrangementToMidi(arrangement, { bpm = null, title = 'Lofi Player', bars = null } = {}) {
  const midi = new Midi();
  const [beats, unit] = arrangement.timeSignature || [4, 4];
  const perBar = sixteenthsPerBar(beats, unit);
  midi.header.setTempo(bpm || arrangement.bpm);
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: [beats, unit] });
  midi.header.name = title;
  midi.header.update();
  const limit = bars ? midiTicks(bars * perBar) : Infinity;
  const notes = [];
  arrangement.parts.forEach((part, trackIndex) => {
    const track = midi.addTrack();
    track.name = part.name;
    track.channel = part.drums ? 9 : trackIndex >= 9 ? trackIndex + 1 : trackIndex; // the drum channel is for drums
    track.instrument.number = PROGRAMS[part.instrument] ?? 0;
    // @tonejs/midi ends a track at its last event: an "all notes off" on the loop's end is that
    // event, so a DAW lines the tracks up and loops them whole.
    if (limit !== Infinity) track.addCC({ number: 123, value: 0, ticks: limit });
    for (const event of part.events) {
      const ticks = midiTicks(event.step);
      if (ticks >= limit) continue;
      const durationTicks = Math.max(1, Math.min(midiTicks(event.length), limit - ticks));
      for (const name of event.notes || []) {
        const number = noteToMidi(name);
        if (number === null || number < 0 || number > 127) continue;
        const velocity = Math.round((event.velocity ?? 0.8) * 127) / 127;
        track.addNote({ midi: number, ticks, durationTicks, velocity });
        notes.push({ track: trackIndex, midi: number, ticks, durationTicks, velocity });
      }
    }
  });
  return { bytes: midi.toArray(), notes };
}

// Parses a MIDI file back (tests, and a check that what was written reads back).
export function readMidi(bytes) {
  const midi = new Midi(bytes);
  return {
    ppq: midi.header.ppq,
    bpm: midi.header.tempos[0]?.bpm ?? null,
    tracks: midi.tracks.map((t) => ({
      name: t.name,
      endTicks: t.endOfTrackTicks ?? null,
      program: t.instrument.number,
      notes: t.notes.map((n) => ({ midi: n.midi, ticks: n.ticks, durationTicks: n.durationTicks, velocity: n.velocity })),
    })),
  };
}
