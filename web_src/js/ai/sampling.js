// Seeded sampling from the model's output logits. Everything random in generation
// (the primer, each sampled token, the velocities) comes from a seeded PRNG, so the same
// seed and settings give the same solo on the same backend.

import { mulberry32 } from '../random.js';

// The seeded source itself is random.js's; its callers here find it beside the sampler.
export { mulberry32 };

// Seeds may arrive as numbers or strings (form fields, URLs); map both to a uint32.
export function seedToUint32(seed) {
  if (typeof seed === 'number' && Number.isFinite(seed)) return Math.trunc(seed) >>> 0;
  const text = String(seed ?? '');
  if (/^-?\d+$/.test(text.trim())) return Number(text.trim()) >>> 0;
  // FNV-1a, so that word seeds like "rainy" also work.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// A second, independent stream for the same seed (used for velocities and keys), so that decoding a token
// list does not depend on how many draws the sampler happened to make.
export function derivedRng(seed, salt) {
  return mulberry32((seedToUint32(seed) ^ Math.imul(salt, 0x9e3779b9)) >>> 0);
}

// Pick one index from logits with temperature, top-k and top-p (nucleus) filtering.
// temperature <= 0 means greedy (argmax), as in the seed article.
export function sampleIndex(logits, { temperature = 1, topK = 0, topP = 1 }, rng) {
  const n = logits.length;
  if (!(temperature > 0)) return argmax(logits);

  // Softmax of logits / temperature, in float64 and shifted by the max for stability.
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i] > max) max = logits[i];
  const probs = new Float64Array(n);
  for (let i = 0; i < n; i++) probs[i] = Math.exp((logits[i] - max) / temperature);

  // Candidates by falling probability; ties broken by index so the order is deterministic.
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => probs[b] - probs[a] || a - b);

  // Keep the top-k, and the nucleus: the fewest candidates whose share of the whole distribution
  // reaches top-p; whichever is smaller (as builder/sampling.py does).
  let keep = n;
  if (topK > 0 && topK < keep) keep = Math.floor(topK);
  if (topP > 0 && topP < 1) {
    let total = 0;
    for (let i = 0; i < n; i++) total += probs[i];
    let cumulative = 0;
    for (let i = 0; i < keep; i++) {
      cumulative += probs[order[i]] / total;
      if (cumulative >= topP) {
        keep = i + 1;
        break;
      }
    }
  }

  let total = 0;
  for (let i = 0; i < keep; i++) total += probs[order[i]];
  let r = rng() * total;
  for (let i = 0; i < keep; i++) {
    r -= probs[order[i]];
    if (r < 0) return order[i];
  }
  return order[keep - 1]; // rounding left a sliver: take the last kept candidate
}

export function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
