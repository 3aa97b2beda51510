// The bus's reverb and tape wobble, built from plain Web Audio nodes with fixed settings. They do
// what Tone.Reverb and Tone.Vibrato do with the same settings, sample for sample, but without
// Tone's run-time machinery: each Tone effect mixes wet and dry through a crossfade of its own (a
// constant source, a signal, a wave shaper and a stereo panner computing sines every sample) and
// each Tone signal runs a source node. On an idle tab that plays for hours all of those run all the
// time; here the mix is two constant gains and the wobble one oscillator.
//
// Each is {input, output, dispose()}: input and output are Tone.Gains, so Tone's nodes connect to
// them as to any other node.

import { Tone } from './tone.js';

// Tone's CrossFade at `wet`: an equal-power pan of a constant, read as [dry, wet] gains.
export function equalPowerGains(wet) {
  return [Math.cos((wet * Math.PI) / 2), Math.sin((wet * Math.PI) / 2)];
}

// Tone.Reverb's impulse response, computed rather than rendered offline: white noise in each
// channel, silent until `preDelay`, then Param.exponentialApproachValueAtTime(0, preDelay, decay):
// an exponential fall (time constant ln(decay + 1) / ln(200)) held at 90% of `decay` and ramped
// linearly to 0 at its end. `random` is for tests (the noise is new on every page, as Tone's is).
export function impulseResponse({ decay, preDelay, sampleRate, random = Math.random }) {
  const length = Math.round((decay + preDelay) * sampleRate);
  const tau = Math.log(decay + 1) / Math.log(200);
  const holdAt = preDelay + decay * 0.9;
  const held = Math.exp(-(holdAt - preDelay) / tau);
  const end = preDelay + decay;
  const envelope = (t) => {
    if (t < preDelay) return 0;
    if (t < holdAt) return Math.exp(-(t - preDelay) / tau);
    return (held * (end - t)) / (end - holdAt);
  };
  const channels = [new Float32Array(length), new Float32Array(length)];
  for (let i = 0; i < length; i++) {
    const gain = envelope(i / sampleRate);
    for (const channel of channels) channel[i] = (random() * 2 - 1) * gain;
  }
  return channels;
}

function wrap(input, output, natives) {
  return {
    input,
    output,
    dispose() {
      for (const node of natives) {
        if (typeof node.stop === 'function') node.stop();
        node.disconnect();
      }
      input.dispose();
      output.dispose();
    },
  };
}

// A convolution reverb mixed `wet` into the dry signal (Tone.Reverb({decay, preDelay, wet})).
export function createReverb({ decay, preDelay, wet }) {
  const raw = Tone.getContext().rawContext;
  const input = new Tone.Gain(1);
  const output = new Tone.Gain(1);
  const [dryGain, wetGain] = equalPowerGains(wet);
  const dry = raw.createGain();
  dry.gain.value = dryGain;
  const convolver = raw.createConvolver();
  const channels = impulseResponse({ decay, preDelay, sampleRate: raw.sampleRate });
  const buffer = raw.createBuffer(2, channels[0].length, raw.sampleRate);
  channels.forEach((data, i) => buffer.copyToChannel(data, i));
  convolver.buffer = buffer; // normalized, as Tone's Convolver leaves it
  const wetLevel = raw.createGain();
  wetLevel.gain.value = wetGain;
  input.fan(dry, convolver);
  convolver.connect(wetLevel);
  dry.connect(output.input);
  wetLevel.connect(output.input);
  return wrap(input, output, [dry, convolver, wetLevel]);
}

// The tape's pitch wobble (Tone.Vibrato({frequency, depth}), its maxDelay 5 ms, fully wet): a
// delay swinging around half of maxDelay by depth times half of it, on a cosine (Tone's LFO starts
// its sine at -90 degrees).
export function createWobble({ frequency, depth, maxDelay = 0.005 }) {
  const raw = Tone.getContext().rawContext;
  const input = new Tone.Gain(1);
  const output = new Tone.Gain(1);
  const delay = raw.createDelay(maxDelay);
  delay.delayTime.value = maxDelay / 2;
  const lfo = raw.createOscillator();
  lfo.setPeriodicWave(raw.createPeriodicWave(new Float32Array([0, 1]), new Float32Array([0, 0])));
  lfo.frequency.value = frequency;
  const swing = raw.createGain();
  swing.gain.value = (depth * maxDelay) / 2;
  lfo.connect(swing);
  swing.connect(delay.delayTime);
  lfo.start();
  input.connect(delay);
  delay.connect(output.input);
  return wrap(input, output, [lfo, swing, delay]);
}
