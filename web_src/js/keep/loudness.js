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

function biquad(input, { b, a }) {
  const out = new Float64Array(input.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let n = 0; n < input.length; n += 1) {
    const x = input[n];
    const y = b[0] * x + b[1] * x1 + b[2] * x2 - a[0] * y1 - a[1] * y2;
    x2 = x1; x1 = x; y2 = y1; y1 = y;
    out[n] = y;
  }
  return out;
}

export function kWeight(channel, sampleRate) {
  const [shelf, highPass] = kWeightingCoefficients(sampleRate);
  return biquad(biquad(channel, shelf), highPass);
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
    const weighted = kWeight(channel, sampleRate);
    const sums = new Float64Array(length + 1); // running sum of squares: each block in O(1)
    for (let n = 0; n < length; n += 1) sums[n + 1] = sums[n] + weighted[n] * weighted[n];
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

// For every sample n: the largest |value| of the channels at n and at n + 1/4, 1/2, 3/4.
export function peakEnvelope(channels) {
  const length = channels[0]?.length ?? 0;
  const peaks = new Float32Array(length);
  for (const x of channels) {
    for (let n = 0; n < length; n += 1) {
      let top = Math.abs(x[n]);
      for (const kernel of PHASES) {
        let v = 0;
        const start = n - TAPS + 1;
        for (let i = 0; i < kernel.length; i += 1) {
          const m = start + i;
          if (m >= 0 && m < length) v += kernel[i] * x[m];
        }
        top = Math.max(top, Math.abs(v));
      }
      if (top > peaks[n]) peaks[n] = top;
    }
  }
  return peaks;
}

export function truePeak(channels) {
  return peakEnvelope(channels).reduce((top, p) => Math.max(top, p), 0);
}

export function samplePeak(channels) {
  let top = 0;
  for (const x of channels) for (const v of x) top = Math.max(top, Math.abs(v));
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
  const need = peaks.map((p) => Math.min(1, ceiling / Math.max(p * gain, 1e-12)));
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

// Fades the end, then turns the track to `target` LUFS under a `ceiling` dBTP: a few passes of
// gain and limiting, each measured again, since limiting the peaks takes a little loudness away.
// -> {channels, before, after, gainDb, peakDb, limitedDb}; silence comes back only faded.
export function finishTrack(channels, sampleRate, { target = TARGET_LUFS, ceiling = CEILING_DBTP, fade = FADE_SECONDS } = {}) {
  const faded = fadeOut(channels, sampleRate, fade);
  const before = integratedLoudness(faded, sampleRate);
  if (!Number.isFinite(before)) return { channels: faded, before, after: before, gainDb: 0, peakDb: dB(truePeak(faded)), limitedDb: 0 };
  const peaks = peakEnvelope(faded);
  const top = fromDb(ceiling);
  let gainDb = target - before;
  let out = faded, after = before, limit = null;
  for (let pass = 0; pass < 4; pass += 1) {
    const gain = fromDb(gainDb);
    limit = limiterGain(peaks, gain, top, sampleRate);
    out = faded.map((x) => x.map((v, n) => v * gain * limit[n]));
    after = integratedLoudness(out, sampleRate);
    if (Math.abs(after - target) < 0.05) break;
    gainDb += target - after;
  }
  // Interpolated peaks can move a hair as the gain changes under them: a last safety trim.
  const peak = truePeak(out);
  if (peak > top) {
    out = out.map((x) => x.map((v) => (v * top) / peak));
    after = integratedLoudness(out, sampleRate);
  }
  const limitedDb = -dB(limit.reduce((low, g) => Math.min(low, g), 1));
  return { channels: out, before, after, gainDb, peakDb: dB(Math.min(peak, top)), limitedDb };
}
