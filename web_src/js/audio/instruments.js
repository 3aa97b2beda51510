// Sound design: sampled instruments (Tone.Sampler over the samples listed in media.json), synth
// presets for the rest, and the lo-fi bus every channel runs through:
//
//   music  ─► tape (wobble + low-pass) ─┐
//   melody ─► its level ────────────────┤
//   voice  ─► band-pass ────────────────┼─► reverb ─┐
//   drums  ─► low-pass ─────────────────┴───────────┼─► master gain ─► speakers
//   ambience, vinyl crackle ────────────────────────┘
//
// Every channel (CHANNELS: the music, the layers, the vinyl, the master) has its own gain (its
// volume) before the bus. The melody is the music channel's too (its volume follows the music
// slider) but skips the tape filter meant for the backing and sits theory.json's groove.mix.melodyDb
// over it, so the tune is heard on top of its chords. All nodes are created in Tone's
// *current* context, so the same code builds the live graph and, inside Tone.Offline, the offline one.

import { Tone } from './tone.js';
import { loadBuffers } from './media.js';
import { createReverb, createWobble } from './bus_effects.js';
import { noteToMidi } from '../music/pitch.js';
import theory from '../music/theory.json' with { type: 'json' };

const MELODY_DB = theory.groove.mix.melodyDb;

// The mix's volume channels (the layers, drums, ambience and quote, are three of them).
export const CHANNELS = ['master', 'music', 'drums', 'ambience', 'quote', 'vinyl'];
export const DEFAULT_VOLUMES = { master: 0.8, music: 0.8, drums: 0.7, ambience: 0.5, quote: 0.8, vinyl: 0.35 };

// Synth presets, for instruments without samples (and as the fallback when samples fail to load).
const PRESETS = {
  piano: () =>
    new Tone.PolySynth(Tone.Synth, {
      oscillator: { type: 'triangle' },
      envelope: { attack: 0.005, decay: 1.2, sustain: 0.15, release: 1.2 },
      volume: -10,
    }),
  epiano: () =>
    new Tone.PolySynth(Tone.FMSynth, {
      harmonicity: 3,
      modulationIndex: 4,
      oscillator: { type: 'sine' },
      modulation: { type: 'sine' },
      envelope: { attack: 0.01, decay: 1.4, sustain: 0.2, release: 1.4 },
      modulationEnvelope: { attack: 0.01, decay: 0.5, sustain: 0.1, release: 0.5 },
      volume: -10,
    }),
  bass: () =>
    new Tone.PolySynth(Tone.MonoSynth, {
      oscillator: { type: 'triangle' },
      filter: { type: 'lowpass', Q: 1 },
      filterEnvelope: { attack: 0.01, decay: 0.3, sustain: 0.4, release: 0.4, baseFrequency: 120, octaves: 2 },
      envelope: { attack: 0.01, decay: 0.4, sustain: 0.6, release: 0.4 },
      volume: -8,
    }),
  pad: () =>
    new Tone.PolySynth(Tone.Synth, {
      oscillator: { type: 'fattriangle', count: 3, spread: 18 },
      envelope: { attack: 0.6, decay: 0.5, sustain: 0.7, release: 2 },
      volume: -18,
    }),
  pluck: () =>
    new Tone.PolySynth(Tone.Synth, {
      oscillator: { type: 'triangle' },
      envelope: { attack: 0.002, decay: 0.3, sustain: 0, release: 0.3 },
      volume: -10,
    }),
};

// Per sampled instrument: level and release (seconds) so they sit together in the mix.
const SAMPLER_SETTINGS = {
  piano: { volume: -4, release: 1.4 },
  epiano: { volume: -9, release: 1.0 },
};

function createSynth(name) {
  const make = PRESETS[name] ?? PRESETS.piano;
  if (!PRESETS[name]) console.warn(`lofi: unknown instrument "${name}", using piano`);
  return make();
}

// The sample notes a Sampler needs for `midis`: for each, the nearest sample (Tone.Sampler
// repitches from the nearest one), so only those files are fetched.
function samplesNeeded(sampleUrls, midis) {
  const available = Object.keys(sampleUrls)
    .map((note) => [noteToMidi(note), note])
    .filter(([m]) => m !== null);
  const needed = {};
  for (const midi of new Set(midis)) {
    let best = null;
    for (const [m, note] of available) if (best === null || Math.abs(m - midi) < Math.abs(best[0] - midi)) best = [m, note];
    if (best) needed[best[1]] = sampleUrls[best[1]];
  }
  return needed;
}

// Loads what instrument `name` needs to play `midis`. Resolves to a "recipe" that createInstrument
// turns into a node in the current context: {kind: 'sampler', buffers} or {kind: 'synth', warning}.
// `later`: notes it will need, but not before its first note; their samples (those `midis` did not
// bring) are the recipe's `rest()`, fetched once the first note has sounded (createInstrument), so
// that on a first visit they do not hold that note back nor share the network with it.
export async function prepareInstrument(name, manifest, midis, { later = [] } = {}) {
  const sampled = manifest?.instruments?.[name]?.urls;
  if (!sampled || !(midis.length || later.length)) return { name, kind: 'synth' };
  const needed = samplesNeeded(sampled, midis.length ? midis : later);
  const { buffers, errors } = await loadBuffers(needed);
  if (errors.length) return { name, kind: 'synth', warning: `${name} samples failed (${errors[0]}); using a synthesizer` };
  const more = Object.fromEntries(Object.entries(samplesNeeded(sampled, later)).filter(([note]) => !needed[note]));
  if (!Object.keys(more).length) return { name, kind: 'sampler', buffers };
  return { name, kind: 'sampler', buffers, rest: () => loadBuffers(more).then((loaded) => loaded.buffers) };
}

// After the first note, out of its way: the time its look-ahead and its first moments take.
const REST_AFTER_MS = 1500;

export function createInstrument(recipe) {
  if (recipe.kind === 'sampler') {
    const settings = SAMPLER_SETTINGS[recipe.name] ?? { volume: -6, release: 1 };
    const sampler = new Tone.Sampler({ urls: recipe.buffers, release: settings.release, volume: settings.volume });
    if (recipe.rest) fillInAfterFirstNote(sampler, recipe.rest);
    return sampler;
  }
  return createSynth(recipe.name);
}

// The sampler's other samples, fetched once it has played its first note and added as they come:
// until then it stretches the ones it has. One that fails leaves the stretched one (the file is
// named by the first play that needs it for sure: a song).
function fillInAfterFirstNote(sampler, rest) {
  sampler.triggerAttack = (...args) => {
    delete sampler.triggerAttack; // back to Tone's own from the next note on
    setTimeout(() => {
      rest()
        .then((buffers) => {
          if (sampler.disposed) return;
          for (const [note, buffer] of Object.entries(buffers)) sampler.add(note, buffer);
        })
        .catch((err) => console.warn(`lofi: the other ${sampler.name} samples did not arrive: ${err.message}`));
    }, REST_AFTER_MS);
    return sampler.triggerAttack(...args);
  };
}

// The bus input a part plays into: the melody's own route, or the backing's ('music').
export function routeOf(part) {
  return (part.role ?? part.name) === 'melody' ? 'melody' : 'music';
}

// Volume slider (0..1) to gain: a squared curve, closer to how loudness is heard.
function volumeToGain(value) {
  const v = Math.min(1, Math.max(0, Number(value) || 0));
  return v * v;
}

// The bus. Returns {inputs: {music, melody, drums, ambience, quote, vinyl}, gains: {channel: Tone.Gain},
// setVolume(channel, value), setVinyl(buffer), startVinyl(time), stopVinyl(time), nodes}.
// The live player builds it once and keeps it (audio/graph.js); the offline renderer builds
// its own in the offline context. The vinyl crackle (a looping sample) plays between startVinyl and
// stopVinyl; its volume slider turns it down.
export async function createMasterChain(volumes = DEFAULT_VOLUMES, { vinylBuffer = null } = {}) {
  const gains = {};
  for (const channel of CHANNELS) gains[channel] = new Tone.Gain(volumeToGain(volumes[channel] ?? DEFAULT_VOLUMES[channel]));
  const master = gains.master.toDestination();
  const limiter = new Tone.Limiter(-1).connect(master);
  // The effects and filters are fixed: plain nodes (audio/bus_effects.js, Tone.BiquadFilter),
  // which sound as Tone.Reverb, Tone.Vibrato and a -12 dB Tone.Filter do but run no signal sources.
  const reverb = createReverb({ decay: 3.5, preDelay: 0.02, wet: 0.28 });
  reverb.output.connect(limiter);
  // Tape: a slow pitch wobble and a warm low-pass (the "tape" tone).
  const wobble = createWobble({ frequency: 0.6, depth: 0.06 });
  const tape = new Tone.BiquadFilter({ type: 'lowpass', frequency: 2400, Q: 0.5 });
  gains.music.connect(wobble.input);
  wobble.output.chain(tape, reverb.input);
  const melodyVolume = new Tone.Gain(gains.music.gain.value);
  const melody = new Tone.Gain(Tone.dbToGain(MELODY_DB));
  melody.chain(melodyVolume, reverb.input);
  const voice = new Tone.BiquadFilter({ type: 'bandpass', frequency: 1400, Q: 0.6 });
  gains.quote.chain(voice, reverb.input);
  const drumTone = new Tone.BiquadFilter({ type: 'lowpass', frequency: 6000, Q: 1 });
  gains.drums.chain(drumTone, limiter);
  gains.ambience.connect(limiter);
  gains.vinyl.connect(limiter);
  const nodes = [...Object.values(gains), limiter, reverb, wobble, tape, melody, melodyVolume, voice, drumTone];

  let crackle = null;
  const chain = {
    inputs: { music: gains.music, melody, drums: gains.drums, ambience: gains.ambience, quote: gains.quote, vinyl: gains.vinyl },
    gains,
    setVolume(channel, value) {
      gains[channel]?.gain.rampTo(volumeToGain(value), 0.05);
      if (channel === 'music') melodyVolume.gain.rampTo(volumeToGain(value), 0.05);
    },
    setVinyl(buffer) {
      if (!buffer || crackle) return;
      crackle = new Tone.Player({ url: buffer, loop: true, fadeIn: 0.3, fadeOut: 0.3 }).connect(gains.vinyl);
      nodes.push(crackle);
    },
    startVinyl(time) {
      if (crackle && crackle.state !== 'started') crackle.start(time);
    },
    stopVinyl(time) {
      if (crackle && crackle.state === 'started') crackle.stop(time);
    },
    nodes,
  };
  chain.setVinyl(vinylBuffer);
  return chain;
}
