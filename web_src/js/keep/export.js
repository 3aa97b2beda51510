// What the listener keeps: the current track as a MIDI file and as a WAV render (audio/render.js),
// named after what they hold (keep/names.js). Nothing leaves the page.

import { arrangementToMidi } from './midi.js';
import { audioBufferToWav } from './wav.js';
import { finishSteps } from './loudness.js';
import { fileName } from './names.js';
import { createProgress } from './progress.js';
import { renderOffline } from '../audio/render.js';
import { drumEvents, drumKind } from '../audio/drums.js';
import { midiToNote } from '../music/pitch.js';
import { quartersPerBar, sixteenthsPerBar } from '../music/time.js';

const SIXTEENTHS_PER_BAR = sixteenthsPerBar(4, 4); // the AI track is in 4/4
const GM_DRUMS = { kick: 36, snare: 38, hat: 42 }; // General MIDI's drum notes
const tuneTitle = (result) => `AI station ${result.station} tune ${result.index + 1} (${result.key})`;

// Lets the page paint (a progress bar) between two steps of work that holds the main thread.
const breathe = () => new Promise((resolve) => setTimeout(resolve, 0));

export function createKeeper({ playback, ai, catalogue, ready, station }) {
  const { layers, player } = playback;

  // What a file of the track `id` holds, for its name: a song's title, the AI tune's key (its
  // piece's, else its chords') and tempo.
  function describe(id, bpm) {
    if (id !== 'ai') return { title: catalogue.title(id) };
    return { ai: { key: ai.last()?.piece?.key ?? ai.progression()?.key ?? null, bpm } };
  }

  // Renders `bars` bars of a song or the AI track with its layers; resolves to the render's
  // measures with its AudioBuffer as `buffer`.
  async function render({ song, bars = 2, drums = true, ambience, quote, bpm = null, onProgress = null } = {}) {
    await ready;
    const id = song ?? catalogue.defaultSong();
    const arrangement = await playback.arrangementFor(id, { swing: playback.drumSwing(drums) });
    const prepared = await layers.prepareAll(arrangement, { drums, ambience, quote });
    const loops = id === 'ai' ? ai.loopsFor(layers.loops()) : layers.loops();
    return renderOffline(arrangement, prepared, { bars, bpm: bpm || playback.tempo(), loops, volumes: layers.volumes(), onProgress });
  }

  // The timed solo's chords repeated under all of its `bars`.
  function repeatBacking(backing, bars) {
    const events = [];
    for (let pass = 0; pass * backing.loopBars < bars; pass++) {
      for (const e of backing.events) events.push({ ...e, step: e.step + pass * backing.loopBars * SIXTEENTHS_PER_BAR });
    }
    return { ...backing, events };
  }

  // A song's drum pattern (`drums`: an id, null for none, left out: the current choice) under all
  // of its `bars`, on General MIDI's drum channel, on the grid (a DAW swings it its own way).
  function drumPart(drums, bars, quartersPerBar) {
    const id = drums === undefined || drums === true ? layers.choices().drums : drums;
    const pattern = id ? layers.find('drums', id) : null;
    if (!pattern) return null;
    const stepsPerBar = Math.round(quartersPerBar * 4);
    const events = drumEvents(pattern, { loopBars: bars, quartersPerBar }).map((e) => ({
      step: e.bar * stepsPerBar + e.step,
      length: 1,
      notes: [midiToNote(GM_DRUMS[drumKind(e.lane)])],
      velocity: Math.min(1, e.velocity),
    }));
    return { name: 'drums', instrument: 'drums', drums: true, events };
  }

  // The AI track's length, the same for its MIDI file, its WAV and its live loop: the loop's bars
  // (a lead sheet's bars, a timed solo's whole passes of the chords), so every file ends where a
  // pass of the chords does.
  async function aiArrangement() {
    const arrangement = await playback.arrangementFor('ai');
    const backing = arrangement.parts[1];
    if (!ai.last().piece && backing) arrangement.parts[1] = repeatBacking(backing, arrangement.loopBars);
    return arrangement;
  }

  // The current track (the AI track with its progression's chords, or a song with its drums) as
  // MIDI bytes. `progression`: chords to use (else the ones set last).
  // A station tune, whole: its MIDI file with its drums on General MIDI's channel.
  async function tuneMidi(entry) {
    const result = await station.tune(entry);
    const arrangement = station.arrangementOf(result);
    arrangement.parts = arrangement.parts.map((part) =>
      part.kind === 'drums'
        ? { name: 'drums', instrument: 'drums', drums: true, events: part.events.map((h) => ({ step: h.step, length: 1, notes: [midiToNote(GM_DRUMS[drumKind(h.lane)])], velocity: Math.min(1, h.velocity) })) }
        : { ...part, swing: 0 },
    );
    const title = tuneTitle(result);
    const { bytes, notes } = arrangementToMidi(arrangement, { bpm: result.bpm, title, bars: result.bars });
    return { bytes, notes, bpm: result.bpm, bars: result.bars, filename: fileName({ tune: result }, 'mid') };
  }

  async function exportMidi({ song, drums, progression, tune } = {}) {
    await ready;
    if (tune) return tuneMidi(tune);
    const id = song ?? playback.currentSong();
    if (progression !== undefined) ai.setProgression(progression);
    const arrangement = id === 'ai' ? await aiArrangement() : await playback.arrangementFor(id);
    const bars = arrangement.loopBars;
    if (id !== 'ai') {
      const part = drumPart(drums, bars || 8, quartersPerBar(arrangement.timeSignature));
      if (part) arrangement.parts.push(part);
    }
    const bpm = (player.current?.id === id ? player.sessionBpm : null) || playback.tempo() || arrangement.bpm;
    const { bytes, notes } = arrangementToMidi(arrangement, { bpm, title: catalogue.title(id), bars });
    return { bytes, notes, bpm, bars, filename: fileName(describe(id, bpm), 'mid') };
  }

  // A station tune, whole, with its drums and the listener's other layers: bars as the tune has,
  // and one more for the last chord to ring.
  async function renderTune(entry, options = {}) {
    const result = await station.tune(entry);
    const arrangement = station.arrangementOf(result);
    const prepared = await layers.prepareAll(arrangement, { drums: true, ambience: options.ambience, quote: options.quote });
    const rendered = await renderOffline(arrangement, prepared, { bars: result.bars + 1, bpm: result.bpm, loops: layers.loops(), volumes: layers.volumes(), onProgress: options.onProgress ?? null });
    return { ...rendered, bars: result.bars, title: tuneTitle(result), what: { tune: result } };
  }

  // onProgress(fraction) follows the whole of it, scheduling, rendering and finishing alike.
  async function renderWav({ song, bars, tune, onProgress = null, ...rest } = {}) {
    await ready;
    const progress = createProgress(onProgress);
    const options = { ...rest, onProgress: (fraction, phase) => progress.report(phase, fraction) };
    if (tune) {
      const { buffer, ...result } = await renderTune(tune, options);
      return finish(buffer, result, progress, result.bars, result.what);
    }
    const id = song ?? playback.currentSong();
    if (!bars) {
      const arrangement = await playback.arrangementFor(id);
      const length = arrangement.loopBars || 8;
      // Whole passes of the AI track's chords, at most 32 bars.
      const cycle = id === 'ai' ? ai.progressionInfo(ai.progression())?.bars || 1 : 1;
      bars = length <= 32 ? length : Math.max(cycle, Math.floor(32 / cycle) * cycle);
    }
    const { buffer, ...result } = await render({ song: id, bars, drums: true, ...options });
    return finish(buffer, result, progress, bars, describe(id, options.bpm || playback.tempo()));
  }

  // Streaming loudness (-14 LUFS, peaks under -1 dBTP) and a short fade-out: a finished file. Its
  // steps hold the main thread for a while each: the page paints the progress bar between them.
  async function finish(buffer, result, progress, bars, what) {
    const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
    const steps = finishSteps(channels, buffer.sampleRate);
    let step = steps.next();
    while (!step.done) {
      progress.report('finish', step.value);
      await breathe();
      step = steps.next();
    }
    const finished = step.value;
    finished.channels.forEach((data, c) => buffer.copyToChannel(data, c));
    const blob = new Blob([audioBufferToWav(buffer)], { type: 'audio/wav' });
    progress.report('finish', 1);
    return { blob, size: blob.size, rms: result.rms, peak: result.peak, lufs: finished.after, seconds: result.seconds, bars, barRms: result.barRms, filename: fileName(what, 'wav') };
  }

  // A recording's file name (`type`: its MIME type): what plays now (the station's tune playing),
  // "-recording", the date.
  function recordingName(type) {
    const extension = /ogg/.test(type) ? 'ogg' : /mp4|aac/.test(type) ? 'm4a' : 'webm';
    const id = playback.currentSong();
    const tune = id === 'station' ? playback.state().tune : null;
    const what = tune ? { tune } : describe(id, player.current ? player.sessionBpm : playback.tempo());
    return fileName(what, extension, { suffix: 'recording' });
  }

  return { render, exportMidi, renderWav, renderTune, recordingName };
}
