// The page's one seeded random source, mulberry32: tiny, fast, good enough for music and scenery;
// returns floats in [0, 1). The AI's sampler (ai/sampling.js, and builder/generate.py number for
// number) and the scenes' layouts (ui/scene/paint.js) draw from it, so the same seed gives the same
// solo and the same scene. A leaf module: it imports nothing.
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
