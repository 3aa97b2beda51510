// What the listener keeps: the current track as a MIDI file and as a WAV render (audio/render.js),
// with their file names. Nothing leaves the page.

import { arrangementToMidi } from './midi.js';
import { audioBufferToWav } from './wav.js';
import { finishTrack } from './loudness.js';
import { slug } from './download.js';
import { renderOffline } from '../audio/render.js';
import { sixteenthsPerBar } from '../music/time.js';

const SIXTEENTHS_PER_BAR = sixteenthsPerBar(4, 4); // the AI track is in 4/4

export function createKeeper({ playback, ai, catalogue, ready }) {
  const { layers, player } = playback;

  // Renders `bars` bars of a song or the AI track with its layers; resolves to the render's
  // measures with its AudioBuffer as `buffer`.
  async function render({ song, bars = 2, drums = true, ambience, quote, bpm = null } = {}) {
    await ready;
    const id = song ?? catalogue.defaultSong();
    const arrangement = await playback.arrangementFor(id, { swing: playback.drumSwing(drums) });
    const prepared = await layers.prepareAll(arrangement, { drums, ambience, quote });
    const loops = id === 'ai' ? ai.loopsFor(layers.loops()) : layers.loops();
    return renderOffline(arrangement, prepared, { bars, bpm: bpm || playback.tempo(), loops, volumes: layers.volumes() });
  }

  // The timed solo's chords repeated under all of its `bars`.
  function repeatBacking(backing, bars) {
    const events = [];
    for (let pass = 0; pass * backing.loopBars < bars; pass++) {
      for (const e of backing.events) events.push({ ...e, step: e.step + pass * backing.loopBars * SIXTEENTHS_PER_BAR });
    }
    return { ...backing, events };
  }

  // The current track (the AI track with its progression's chords, or a song) as MIDI bytes.
  async function exportMidi({ song } = {}) {
    await ready;
    const id = song ?? playback.currentSong();
    const arrangement = await playback.arrangementFor(id);
    const last = ai.last();
    let bars = arrangement.loopBars;
    if (id === 'ai' && last.piece) {
      // The lead sheet on its grid: melody, chords and bass, each track the piece's length.
      bars = last.request.bars;
    } else if (id === 'ai') {
      // The solo as written (up to its loop), the chords repeated under all of it.
      const steps = last.decoded.steps || SIXTEENTHS_PER_BAR;
      bars = Math.min(arrangement.loopBars, Math.ceil(steps / SIXTEENTHS_PER_BAR));
      const backing = arrangement.parts[1];
      if (backing) {
        bars = Math.ceil(bars / backing.loopBars) * backing.loopBars;
        arrangement.parts[1] = repeatBacking(backing, bars);
      }
    }
    const bpm = (player.current?.id === id ? player.sessionBpm : null) || playback.tempo() || arrangement.bpm;
    const { bytes, notes } = arrangementToMidi(arrangement, { bpm, title: catalogue.title(id), bars });
    return { bytes, notes, bpm, bars, filename: `${slug(catalogue.title(id))}.mid` };
  }

  async function renderWav({ song, bars, ...options } = {}) {
    await ready;
    const id = song ?? playback.currentSong();
    if (!bars) {
      const arrangement = await playback.arrangementFor(id);
      const length = id === 'ai' ? Math.ceil((ai.last().decoded.steps || SIXTEENTHS_PER_BAR) / SIXTEENTHS_PER_BAR) : arrangement.loopBars || 8;
      bars = Math.max(1, Math.min(32, length));
    }
    const { buffer, ...result } = await render({ song: id, bars, drums: true, ...options });
    // Streaming loudness (-14 LUFS, peaks under -1 dBTP) and a short fade-out: a finished file.
    const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
    const finished = finishTrack(channels, buffer.sampleRate);
    finished.channels.forEach((data, c) => buffer.copyToChannel(data, c));
    const blob = new Blob([audioBufferToWav(buffer)], { type: 'audio/wav' });
    return { blob, size: blob.size, rms: result.rms, peak: result.peak, lufs: finished.after, seconds: result.seconds, bars, filename: `${slug(catalogue.title(id))}.wav` };
  }

  return { render, exportMidi, renderWav };
}
