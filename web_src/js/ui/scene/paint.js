// Small drawing helpers the scenes share. p5 has no gradients, so those go straight to the canvas
// context (p5's drawingContext), inside a save and restore of their own: p5 remembers the fill and
// stroke it last set, and must find them as it left them. The moving parts are drawn straight on
// the context too (fillPath, strokePath), with no p5 call among them, inside stage.js's own save
// and restore.

// A seeded random source (random.js's mulberry32): a scene's layout (where the stars, bricks and
// trees are) is the same on every visit and after every resize, and tests can compare two frames.
export { mulberry32 as seededRandom } from '../../random.js';

export function rgba([r, g, b], alpha = 1) {
  return `rgba(${r | 0}, ${g | 0}, ${b | 0}, ${Math.max(0, Math.min(1, alpha)).toFixed(3)})`;
}

// stops: [[offset 0..1, [r, g, b], alpha?], ...] from top (y) to bottom (y + h).
export function verticalGradient(ctx, x, y, w, h, stops) {
  ctx.save();
  const gradient = ctx.createLinearGradient(0, y, 0, y + h);
  for (const [at, colour, alpha = 1] of stops) gradient.addColorStop(at, rgba(colour, alpha));
  ctx.fillStyle = gradient;
  ctx.fillRect(x, y, w, h);
  ctx.restore();
}

// A soft round light: colour at the centre fading to nothing at radius r.
export function glow(ctx, x, y, r, colour, alpha) {
  if (alpha <= 0.004 || r <= 0) return;
  ctx.save();
  const gradient = ctx.createRadialGradient(x, y, 0, x, y, r);
  gradient.addColorStop(0, rgba(colour, alpha));
  gradient.addColorStop(0.45, rgba(colour, alpha * 0.35));
  gradient.addColorStop(1, rgba(colour, 0));
  ctx.fillStyle = gradient;
  ctx.fillRect(x - r, y - r, r * 2, r * 2);
  ctx.restore();
}

// Runs draw() with drawing limited to a rectangle (rain stays behind the glass, flames in the
// hearth). Through p5's push/clip/pop, not the context's save/restore: p5 remembers the last fill
// and stroke it set, and a restore behind its back would leave it drawing in the wrong colour.
export function clipped(p, x, y, w, h, draw) {
  p.push();
  p.clip(() => p.rect(x, y, w, h));
  draw();
  p.pop();
}

// Many shapes of one colour as one path, filled or stroked once. The moving parts are drawn this
// way, straight on the context, 30 times a second: one call for a hundred raindrops costs far
// less than a hundred p5 calls, each of which parses a colour and strokes on its own.
export function fillPath(ctx, style, trace) {
  ctx.fillStyle = style;
  ctx.beginPath();
  trace();
  ctx.fill();
}

export function strokePath(ctx, style, width, trace) {
  ctx.strokeStyle = style;
  ctx.lineWidth = width;
  ctx.beginPath();
  trace();
  ctx.stroke();
}

// A smooth horizon line (hills) through `points` random heights, filled down to the bottom.
export function hills(p, w, h, baseY, amplitude, rand, colour, bumps = 4) {
  const phases = Array.from({ length: bumps }, () => rand() * Math.PI * 2);
  p.noStroke();
  p.fill(...colour);
  p.beginShape();
  p.vertex(0, h);
  for (let x = 0; x <= w + 8; x += 8) {
    let y = 0;
    for (let i = 0; i < bumps; i++) y += Math.sin((x / w) * Math.PI * (i + 1) + phases[i]) / (i + 1);
    p.vertex(x, baseY - y * amplitude);
  }
  p.vertex(w, h);
  p.endShape(p.CLOSE);
}

// Positive modulo, for things that wrap around the screen as time goes on.
export const wrap = (value, size) => ((value % size) + size) % size;
