// Sound design: a small map of PolySynth presets for song parts, a synthesized boom-bap kit,
// and the gentle lo-fi bus (wobble, low-pass, reverb) everything runs through.
// All nodes are created in Tone's *current* context, so the same code builds the live graph
// and, inside Tone.Offline, the offline one.

import * as Tone from 'tone';

// Song JSON names its instruments; anything unknown falls back to piano.
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
};

export const INSTRUMENT_NAMES = Object.keys(PRESETS);

export function createInstrument(name) {
  const make = PRESETS[name] ?? PRESETS.piano;
  if (!PRESETS[name]) console.warn(`lofi: unknown instrument "${name}", using piano`);
  return make();
}

// The lo-fi bus. Returns {input, drumInput, nodes}: melodic parts go through tape wobble,
// a warm low-pass and reverb; drums skip the wobble and reverb but share the master gain.
export async function createMasterChain() {
  const master = new Tone.Gain(0.8).toDestination();
  const reverb = new Tone.Reverb({ decay: 3.5, preDelay: 0.02, wet: 0.28 });
  const lowpass = new Tone.Filter({ type: 'lowpass', frequency: 2200, rolloff: -12, Q: 0.5 });
  const wobble = new Tone.Vibrato({ frequency: 0.6, depth: 0.06 });
  wobble.chain(lowpass, reverb, master);
  const drumBus = new Tone.Filter({ type: 'lowpass', frequency: 5000, rolloff: -12 });
  drumBus.connect(master);
  // The impulse response is rendered asynchronously; without it the reverb would be silent.
  await reverb.ready;
  return { input: wobble, drumInput: drumBus, nodes: [master, reverb, lowpass, wobble, drumBus] };
}

// Kick, snare and hat voices. Each is monophonic; the pattern never hits one voice twice at once.
export function createDrumKit(output) {
  const kick = new Tone.MembraneSynth({
    pitchDecay: 0.05,
    octaves: 6,
    envelope: { attack: 0.001, decay: 0.45, sustain: 0, release: 0.1 },
    volume: -4,
  }).connect(output);
  const snare = new Tone.NoiseSynth({
    noise: { type: 'pink' },
    envelope: { attack: 0.001, decay: 0.2, sustain: 0, release: 0.05 },
    volume: -14,
  }).connect(output);
  const hat = new Tone.MetalSynth({
    envelope: { attack: 0.001, decay: 0.06, release: 0.01 },
    harmonicity: 5.1,
    modulationIndex: 32,
    resonance: 4000,
    octaves: 1.5,
    volume: -30,
  }).connect(output);

  return {
    hit(drum, time, velocity) {
      if (drum === 'kick') kick.triggerAttackRelease('C1', '8n', time, velocity);
      else if (drum === 'snare') snare.triggerAttackRelease('16n', time, velocity);
      // MetalSynth is monophonic, so it takes a pitch first (unlike NoiseSynth).
      else if (drum === 'hat') hat.triggerAttackRelease(200, '32n', time, velocity);
    },
    nodes: [kick, snare, hat],
  };
}
