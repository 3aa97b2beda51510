// Keep it (issue 7): the current track as a Standard MIDI File (@tonejs/midi), an offline render
// as a WAV file, and the browser download of either. Nothing leaves the page.

import * as Tone from 'tone';
import MidiModule from '@tonejs/midi';
import { noteToMidi } from './pitch.js';
import { MIDI_PPQ, transportToTicks } from './music/theory.js';

const { Midi } = MidiModule; // @tonejs/midi 2.0.28 is CommonJS: its exports arrive as the default
export { MIDI_PPQ };
// General MIDI programs for the page's instruments.
const PROGRAMS = { piano: 0, epiano: 4, bass: 33, pad: 89, pluck: 45 };

// "B:Q:S" (sixteenths may be fractional) -> ticks at `ppq`, for a bar of `qpb` quarters.
export function timeToTicks(time, qpb = 4, ppq = MIDI_PPQ) {
  return transportToTicks(String(time), qpb * 4, ppq);
}

// An arrangement (player.js: {id, bpm, timeSignature, parts: [{name, instrument, events}]}) ->
// {bytes: Uint8Array, notes: [{track, midi, ticks, durationTicks, velocity}]}. One track per part;
// `bars` (optional) drops notes that start at or after that bar (the loop length), cuts the notes
// that ring past it, and ends every track there, so all tracks are the loop's length (a melody
// that ends on a rest included).
export function arrangementToMidi(arrangement, { bpm = null, title = 'Lofi Player', bars = null } = {}) {
  const midi = new Midi();
  const [beats, unit] = arrangement.timeSignature || [4, 4];
  const qpb = (beats * 4) / unit;
  midi.header.setTempo(bpm || arrangement.bpm);
  midi.header.timeSignatures.push({ ticks: 0, timeSignature: [beats, unit] });
  midi.header.name = title;
  midi.header.update();
  const limit = bars ? timeToTicks(`${bars}:0:0`, qpb) : Infinity;
  const notes = [];
  arrangement.parts.forEach((part, trackIndex) => {
    const track = midi.addTrack();
    track.name = part.name;
    track.channel = trackIndex >= 9 ? trackIndex + 1 : trackIndex; // skip the drum channel
    track.instrument.number = PROGRAMS[part.instrument] ?? 0;
    // @tonejs/midi ends a track at its last event: an "all notes off" on the loop's end is that
    // event, so a DAW lines the tracks up and loops them whole.
    if (limit !== Infinity) track.addCC({ number: 123, value: 0, ticks: limit });
    for (const event of part.events) {
      const ticks = timeToTicks(event.time, qpb);
      if (ticks >= limit) continue;
      const durationTicks = Math.max(1, Math.min(timeToTicks(event.duration, qpb), limit - ticks));
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

// An AudioBuffer -> 16-bit PCM WAV bytes (interleaved, at the buffer's own sample rate).
export function audioBufferToWav(buffer) {
  const channels = buffer.numberOfChannels;
  const frames = buffer.length;
  const bytesPerSample = 2;
  const dataBytes = frames * channels * bytesPerSample;
  const out = new ArrayBuffer(44 + dataBytes);
  const view = new DataView(out);
  const text = (offset, s) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true); // PCM chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels, true);
  view.setUint32(24, buffer.sampleRate, true);
  view.setUint32(28, buffer.sampleRate * channels * bytesPerSample, true);
  view.setUint16(32, channels * bytesPerSample, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, dataBytes, true);
  const data = [];
  for (let ch = 0; ch < channels; ch++) data.push(buffer.getChannelData(ch));
  let offset = 44;
  for (let i = 0; i < frames; i++) {
    for (let ch = 0; ch < channels; ch++) {
      const v = Math.max(-1, Math.min(1, data[ch][i]));
      view.setInt16(offset, v < 0 ? v * 0x8000 : v * 0x7fff, true);
      offset += 2;
    }
  }
  return new Uint8Array(out);
}

// Offers a Blob as a download (an <a download> clicked once; the object URL is freed after).
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// A file name from a title: "First Light" -> "first-light".
export function slug(text) {
  return String(text || 'lofi').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'lofi';
}

// Records what is playing, live: Tone.Recorder (MediaRecorder) on the master output. stop()
// resolves to {blob, type, seconds}; the file is WebM/Opus (or whatever the browser records).
export function createRecorder() {
  let recorder = null;
  let startedAt = 0;
  return {
    get recording() {
      return recorder !== null;
    },
    async start() {
      if (recorder) throw new Error('already recording');
      if (!Tone.Recorder.supported) throw new Error('this browser cannot record audio (no MediaRecorder)');
      recorder = new Tone.Recorder();
      Tone.getDestination().connect(recorder);
      await recorder.start();
      startedAt = performance.now();
    },
    async stop() {
      if (!recorder) throw new Error('not recording');
      const current = recorder;
      recorder = null;
      const blob = await current.stop();
      try {
        Tone.getDestination().disconnect(current);
      } catch {
        // already disconnected
      }
      current.dispose();
      return { blob, type: blob.type, seconds: (performance.now() - startedAt) / 1000 };
    },
  };
}
