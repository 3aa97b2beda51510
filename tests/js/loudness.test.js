// Loudness (web_src/js/keep/loudness.js) against the published facts of ITU-R BS.1770-4 and the
// EBU Tech 3341 minimum-requirement signals (1 kHz sines, stereo, 48 kHz), then the finishing step
// a WAV download goes through: -14 LUFS integrated under a -1 dBTP ceiling, with a fade at the end.
import test from 'node:test';
import assert from 'node:assert/strict';

import { fadeOut, finishTrack, integratedLoudness, kWeightingCoefficients, samplePeak, truePeak } from '../../web_src/js/keep/loudness.js';

const RATE = 48000;
const dB = (gain) => 20 * Math.log10(gain);

// A 1 kHz sine at `dbfs` (peak level) for each [dbfs, seconds] section, back to back.
function sines(sections, rate = RATE, hz = 1000) {
  const total = sections.reduce((n, [, s]) => n + Math.round(s * rate), 0);
  const out = new Float32Array(total);
  let n = 0;
  for (const [dbfs, seconds] of sections) {
    const amp = 10 ** (dbfs / 20);
    for (const end = n + Math.round(seconds * rate); n < end; n += 1) out[n] = amp * Math.sin((2 * Math.PI * hz * n) / rate);
  }
  return out;
}

const stereo = (x) => [x, Float32Array.from(x)];

test('the K-weighting filter has BS.1770\'s published coefficients at 48 kHz', () => {
  const [shelf, highPass] = kWeightingCoefficients(48000);
  const close = (got, want) => got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-9, `${v} vs ${want[i]}`));
  close(shelf.b, [1.53512485958697, -2.69169618940638, 1.19839281085285]);
  close(shelf.a, [-1.69065929318241, 0.73248077421585]);
  close(highPass.b, [1, -2, 1]);
  close(highPass.a, [-1.99004745483398, 0.99007225036621]);
});

test('a 1 kHz sine at -20 dBFS in one channel reads -23.0 LUFS, at 48 and 44.1 kHz', () => {
  assert.ok(Math.abs(integratedLoudness([sines([[-20, 10]])], 48000) + 23.0) < 0.05);
  assert.ok(Math.abs(integratedLoudness([sines([[-20, 10]], 44100)], 44100) + 23.0) < 0.05);
});

test('EBU Tech 3341 cases 1 and 2: stereo sines at -23 and -33 dBFS read -23.0 and -33.0 LUFS', () => {
  assert.ok(Math.abs(integratedLoudness(stereo(sines([[-23, 20]])), RATE) + 23) < 0.1);
  assert.ok(Math.abs(integratedLoudness(stereo(sines([[-33, 20]])), RATE) + 33) < 0.1);
});

test('EBU Tech 3341 cases 3 to 5: the relative and absolute gates leave out the quiet parts', () => {
  const cases = [
    [[-36, 10], [-23, 60], [-36, 10]],
    [[-72, 10], [-36, 10], [-23, 60], [-36, 10], [-72, 10]],
    [[-26, 20], [-20, 20.1], [-26, 20]],
  ];
  for (const sections of cases) {
    const got = integratedLoudness(stereo(sines(sections)), RATE);
    assert.ok(Math.abs(got + 23) < 0.1, `${JSON.stringify(sections)}: ${got.toFixed(2)} LUFS`);
  }
  // Without gating the -36 dB parts of case 3 would pull it down: the gate is what keeps -23.
  assert.ok(Math.abs(integratedLoudness(stereo(sines([[-36, 10]])), RATE) + 36) < 0.1);
});

test('silence has no loudness; a block of audio shorter than 400 ms is still measured', () => {
  assert.equal(integratedLoudness([new Float32Array(RATE)], RATE), -Infinity);
  assert.ok(Math.abs(integratedLoudness([sines([[-20, 0.2]])], RATE) + 23) < 0.2);
});

test('true peak finds the top of a wave that falls between samples; the sample peak misses 3 dB', () => {
  // A quarter of the rate, faded in and out over 1000 samples: a wave cut off abruptly has real
  // overshoot of its own at the cut.
  const edge = (n) => Math.min(1, n / 1000, (RATE - 1 - n) / 1000);
  const x = new Float32Array(RATE).map((_, n) => 0.5 * edge(n) * Math.sin((Math.PI / 2) * n + Math.PI / 4));
  assert.ok(Math.abs(dB(samplePeak([x])) - dB(0.5 * Math.SQRT1_2)) < 0.01);
  assert.ok(Math.abs(dB(truePeak([x])) - dB(0.5)) < 0.1, `${dB(truePeak([x]))} dBTP`);
});

test('the fade reaches silence at the end and leaves what comes before it alone', () => {
  const x = sines([[-6, 3]]);
  const [faded] = fadeOut([x], RATE, 1);
  assert.equal(faded[0], x[0]);
  assert.equal(faded[RATE], x[RATE]); // 2 s before the end
  assert.ok(Math.abs(faded.at(-1)) < 1e-6);
  const rms = (a, from, to) => Math.sqrt(a.slice(from, to).reduce((s, v) => s + v * v, 0) / (to - from));
  assert.ok(rms(faded, 2.6 * RATE, 2.7 * RATE) < 0.5 * rms(x, 2.6 * RATE, 2.7 * RATE));
  assert.equal(x.at(-1), sines([[-6, 3]]).at(-1)); // the input is not changed
});

// Music-like test material: a quiet pad with a loud, short click every half second (a peak-to-
// loudness ratio a plain gain to -14 LUFS would push far over full scale).
function pad(seconds, { clicks }) {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return [0, 1].map((c) =>
    new Float32Array(Math.round(seconds * RATE)).map((_, n) => {
      const t = n / RATE;
      const tone = 0.03 * Math.sin(2 * Math.PI * 220 * t + c) + 0.02 * Math.sin(2 * Math.PI * 330 * t) + 0.004 * random();
      const click = clicks && n % (RATE / 2) < 48 ? 0.9 * Math.sin((Math.PI * (n % (RATE / 2))) / 48) : 0;
      return tone + click;
    }),
  );
}

test('a quiet track is turned up to -14 LUFS with its true peak under -1 dBTP', () => {
  const track = pad(12, { clicks: false });
  const result = finishTrack(track, RATE);
  assert.ok(result.before < -25, `${result.before} LUFS before`);
  assert.ok(Math.abs(integratedLoudness(result.channels, RATE) + 14) < 0.1);
  assert.ok(Math.abs(result.after + 14) < 0.1);
  assert.ok(dB(truePeak(result.channels)) <= -0.99);
  assert.equal(result.channels[0].length, track[0].length);
  assert.ok(Math.abs(result.channels[0].at(-1)) < 1e-6, 'faded out');
});

test('a peaky track reaches -14 LUFS too: the limiter, not the gain, keeps the peaks under -1 dBTP', () => {
  const track = pad(12, { clicks: true });
  const plainGain = 10 ** ((-14 - integratedLoudness(track, RATE)) / 20);
  assert.ok(dB(truePeak(track) * plainGain) > 3, 'a plain gain would clip');
  const result = finishTrack(track, RATE);
  assert.ok(result.limitedDb > 3, `${result.limitedDb} dB of limiting`);
  assert.ok(Math.abs(result.after + 14) < 0.3, `${result.after} LUFS`);
  assert.ok(dB(truePeak(result.channels)) <= -0.99);
  assert.ok(dB(samplePeak(result.channels)) <= -0.99);
});

test('silence comes back silent, not blown up', () => {
  const result = finishTrack([new Float32Array(RATE), new Float32Array(RATE)], RATE);
  assert.equal(result.after, -Infinity);
  assert.equal(samplePeak(result.channels), 0);
});
