// Loudness of a rendered track, as streaming services measure it (ITU-R BS.1770-4 / EBU R 128),
// and what makes a download sound finished: gain to -14 LUFS integrated, a peak ceiling of -1 dBTP
// that a look-ahead limiter keeps, and a short fade at the end. Pure: Float32Array channels and a
// sample rate in, numbers or new channels out; nothing here touches Web Audio.

export const TARGET_LUFS = -14; // what the big streaming services turn music to
export const CEILING_DBTP = -1; // headroom for lossy encoders, which overshoot true peaks
export const FADE_SECONDS = 1.5;

const ABSOLUTE_GATE = -70; // LUFS: blocks quieter than this are silence
const RELATIVE_GATE = -10; // LU under the absolute-gated loudness
const BLOCK_S = 0.4; // gating blocks of 400 ms ...
const STEP_S = 0.1; // ... overlapping by 75 %

const dB = (gain) => 20 * Math.log10(gain);
const fromDb = (db) => 10 ** (db / 20);

// The K-weighting filter's two biquads for any sample rate (BS.1770's 48 kHz coefficients come out
// of these analogue prototypes): a +4 dB shelf above ~1.7 kHz for the head, then a ~38 Hz high-pass.
export function kWeightingCoefficients(sampleRate) {
  const shelf = (() => {
    const f0 = 1681.974450955533, gainDb = 3.999843853973347, q = 0.7071752369554196;
    const k = Math.tan((Math.PI * f0) / sampleRate);
    const vh = 10 ** (gainDb / 20);
    const vb = vh ** 0.4996667741545416;
    const a0 = 1 + k / q + k * k;
    return { b: [(vh + (vb * k) / q + k * k) / a0, (2 * (k * k - vh)) / a0, (vh - (vb * k) / q + k * k) / a0], a: [(2 * (k * k - 1)) / a0, (1 - k / q + k * k) / a0] };
  })();
  const highPass = (() => {
    const f0 = 38.13547087602444, q = 0.5003270373238773;
    const k = Math.tan((Math.PI * f0) / sampleRate);
    const a0 = 1 + k / q + k * k;
    return { b: [1, -2, 1], a: [(2 * (k * k - 1)) / a0, (1 - k / q + k * k) / a0] };
  })();
  return [shelf, highPass];
}

// The running sum of the K-weighted signal's squares (sums[n] = the first n samples'): any block's
// energy is then one subtraction. Both biquads run in one loop, in double precision.
function weightedEnergy(channel, sampleRate) {
  const [shelf, highPass] = kWeightingCoefficients(sampleRate);
  const [b0, b1, b2] = shelf.b, [a1, a2] = shelf.a;
  const [c1, c2] = highPass.a; // the high-pass's b is 1, -2, 1
  const sums = new Float64Array(channel.length + 1);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0, z1 = 0, z2 = 0;
  for (let n = 0; n < channel.length; n += 1) {
    const x = channel[n];
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    const z = y - 2 * y1 + y2 - c1 * z1 - c2 * z2;
    x2 = x1; x1 = x; y2 = y1; y1 = y; z2 = z1; z1 = z;
    sums[n + 1] = sums[n] + z * z;
  }
  return sums;
}

// The mean square of every 400 ms block (75 % overlap) summed over channels. Every channel weighs
// 1: BS.1770's 1.41 is for the surround channels of a 5.1 mix, which a player never makes.
function blockPowers(channels, sampleRate) {
  const length = channels[0]?.length ?? 0;
  const size = Math.min(length, Math.round(BLOCK_S * sampleRate));
  const step = Math.round(STEP_S * sampleRate);
  if (size === 0) return [];
  const count = Math.floor((length - size) / step) + 1;
  const powers = new Float64Array(count);
  for (const channel of channels) {
    const sums = weightedEnergy(channel, sampleRate);
    for (let j = 0; j < count; j += 1) powers[j] += (sums[j * step + size] - sums[j * step]) / size;
  }
  return powers;
}

const lufs = (power) => -0.691 + 10 * Math.log10(power);

function gatedMean(powers, threshold) {
  let sum = 0, n = 0;
  for (const p of powers) {
    if (lufs(p) > threshold) {
      sum += p;
      n += 1;
    }
  }
  return n ? sum / n : 0;
}

// Integrated loudness in LUFS (-Infinity for silence): the mean power of the blocks above -70
// LUFS and above 10 LU under those blocks' own loudness.
export function integratedLoudness(channels, sampleRate) {
  const powers = blockPowers(channels, sampleRate);
  const absolute = gatedMean(powers, ABSOLUTE_GATE);
  if (!absolute) return -Infinity;
  const relative = gatedMean(powers, lufs(absolute) + RELATIVE_GATE);
  return relative ? lufs(relative) : -Infinity;
}

// 4x oversampling with a windowed-sinc interpolator, as BS.1770 Annex 2 asks: a sample peak
// misses the tops of waves that fall between samples (up to 3 dB on a sine at a quarter of the rate).
const TAPS = 12; // each side of the point interpolated
const PHASES = [0.25, 0.5, 0.75].map((frac) => {
  const kernel = new Float64Array(2 * TAPS);
  for (let i = 0; i < 2 * TAPS; i += 1) {
    const t = i - TAPS + 1 - frac; // distance from the sample n - TAPS + 1 + i to n + frac
    const sinc = Math.sin(Math.PI * t) / (Math.PI * t);
    const window = 0.5 + 0.5 * Math.cos((Math.PI * t) / (TAPS + 0.5)); // Hann
    kernel[i] = sinc * window;
  }
  return kernel;
});

// For every sample n: the largest |value| of the channels at n and, where |x[n]| or |x[n + 1]|
// reaches `floor`, at n + 1/4, 1/2 and 3/4 too. A wave's top between two samples is rarely 3 dB
// over them, so quieter stretches keep their sample values: callers pass a floor 6 dB or more
// under the level that matters, and a long track is measured in a fraction of the time.
export function peakEnvelope(channels, floor = 0) {
  const length = channels[0]?.length ?? 0;
  const peaks = new Float32Array(length);
  const padded = new Float64Array(length + 2 * TAPS); // zeros around the track: no bounds checks
  const [k1, k2, k3] = PHASES;
  for (const x of channels) {
    padded.fill(0);
    padded.set(x, TAPS - 1);
    for (let n = 0; n < length; n += 1) {
      const here = Math.abs(x[n]);
      let top = here;
      if (here >= floor || (n + 1 < length && Math.abs(x[n + 1]) >= floor)) {
        let v1 = 0, v2 = 0, v3 = 0;
        for (let i = 0; i < 2 * TAPS; i += 1) {
          const sample = padded[n + i];
          v1 += k1[i] * sample;
          v2 += k2[i] * sample;
          v3 += k3[i] * sample;
        }
        top = Math.max(top, Math.abs(v1), Math.abs(v2), Math.abs(v3));
      }
      if (top > peaks[n]) peaks[n] = top;
    }
  }
  return peaks;
}

export function truePeak(channels) {
  return samplePeak([peakEnvelope(channels, samplePeak(channels) / 2)]);
}

export function samplePeak(channels) {
  let top = 0;
  for (const x of channels) {
    for (let n = 0; n < x.length; n += 1) {
      const v = Math.abs(x[n]);
      if (v > top) top = v;
    }
  }
  return top;
}

// A raised-cosine fade over the last `seconds`: it reaches silence without the click of a cut.
export function fadeOut(channels, sampleRate, seconds = FADE_SECONDS) {
  return channels.map((x) => {
    const out = Float32Array.from(x);
    const n = Math.min(out.length, Math.round(seconds * sampleRate));
    for (let i = 0; i < n; i += 1) out[out.length - n + i] *= 0.5 + 0.5 * Math.cos((Math.PI * (i + 1)) / n);
    return out;
  });
}

// A gain per sample that keeps `gain * peaks` under `ceiling`: each sample's need, the minimum
// over the look-ahead window, a moving average of the same length (which stays under every need,
// so nothing overshoots) and a slow release back up.
function limiterGain(peaks, gain, ceiling, sampleRate) {
  const look = Math.max(1, Math.round(0.005 * sampleRate));
  const release = 1 - Math.exp(-1 / (0.1 * sampleRate));
  const need = new Float32Array(peaks.length);
  for (let n = 0; n < peaks.length; n += 1) need[n] = Math.min(1, ceiling / Math.max(peaks[n] * gain, 1e-12));
  const floor = new Float32Array(need.length); // sliding minimum of need[n .. n + look - 1]
  const queue = [];
  let head = 0;
  for (let n = need.length - 1; n >= 0; n -= 1) {
    while (queue.length > head && need[queue[queue.length - 1]] >= need[n]) queue.pop();
    queue.push(n);
    while (queue[head] >= n + look) head += 1;
    floor[n] = need[queue[head]];
  }
  const out = new Float32Array(need.length);
  // Before the first sample the window holds floor[0], which is under every need of the first
  // `look` samples: a track that starts on a peak is held down from its first sample.
  const first = floor[0] ?? 1;
  let sum = look * first, level = first;
  for (let n = 0; n < need.length; n += 1) {
    sum += floor[n] - (n >= look ? floor[n - look] : first);
    const smooth = Math.min(1, sum / look);
    level = Math.min(smooth, level + release * (1 - level));
    out[n] = level;
  }
  return out;
}

// How far finishing has come after each of its steps (the envelope of peaks and every pass cost
// about the same; the fade and the first measure less): what a progress bar shows while it runs.
const FINISHED_AFTER = { measured: 0.1, peaks: 0.35, pass: [0.5, 0.65, 0.8, 0.9] };
const MAX_PASSES = FINISHED_AFTER.pass.length;

// Fades the end, then turns the track to `target` LUFS under a `ceiling` dBTP: a few passes of
// gain and limiting, each measured again, since limiting the peaks takes a little loudness away.
// -> {channels, before, after, gainDb, peakDb, limitedDb}; silence comes back only faded.
export function finishTrack(channels, sampleRate, options = {}) {
  const steps = finishSteps(channels, sampleRate, options);
  for (;;) {
    const { done, value } = steps.next();
    if (done) return value;
  }
}

// finishTrack one step at a time: yields the fraction done after each step (rising, under 1), so
// that a caller can let the page breathe and move a bar between steps; returns what finishTrack does.
export function* finishSteps(channels, sampleRate, { target = TARGET_LUFS, ceiling = CEILING_DBTP, fade = FADE_SECONDS } = {}) {
  const faded = fadeOut(channels, sampleRate, fade);
  const before = integratedLoudness(faded, sampleRate);
  yield FINISHED_AFTER.measured;
  if (!Number.isFinite(before)) return { channels: faded, before, after: before, gainDb: 0, peakDb: dB(truePeak(faded)), limitedDb: 0 };
  const top = fromDb(ceiling);
  let gainDb = target - before;
  // Peaks 12 dB under the ceiling at the first gain need no interpolation: 6 dB for the gain's
  // later passes, 6 for the rise between samples.
  const peaks = peakEnvelope(faded, top / fromDb(gainDb + 12));
  yield FINISHED_AFTER.peaks;
  let out = faded, after = before, limit = null, previous = null;
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const gain = fromDb(gainDb);
    limit = limiterGain(peaks, gain, top, sampleRate);
    out = faded.map((x) => {
      const y = new Float32Array(x.length);
      for (let n = 0; n < x.length; n += 1) y[n] = x[n] * gain * limit[n];
      return y;
    });
    after = integratedLoudness(out, sampleRate);
    yield FINISHED_AFTER.pass[pass];
    if (Math.abs(after - target) < 0.05) break;
    // The next gain along the line through the last two passes (limiting makes the loudness
    // grow slower than the gain), or by the shortfall itself on the first.
    const slope = previous ? Math.min(1, Math.max(0.2, (after - previous.after) / (gainDb - previous.gainDb))) : 1;
    previous = { gainDb, after };
    gainDb += (target - after) / slope;
  }
  // Interpolated peaks can move a hair as the gain changes under them: a last safety trim.
  const peak = truePeak(out);
  if (peak > top) {
    for (const y of out) for (let n = 0; n < y.length; n += 1) y[n] *= top / peak;
    after = integratedLoudness(out, sampleRate);
  }
  const limitedDb = -dB(limit.reduce((low, g) => Math.min(low, g), 1));
  return { channels: out, before, after, gainDb, peakDb: dB(Math.min(peak, top)), limitedDb };
}
