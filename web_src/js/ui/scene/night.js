// A quiet night (no ambience): a deep violet sky full of stars, a crescent moon, clouds drifting
// slowly and a small house on the hill with one window lit. Indigo, violet and moonlight.

import { glow, hills, seededRandom, verticalGradient, wrap } from './paint.js';

const SKY = [[10, 10, 34], [36, 26, 72], [86, 52, 98]];

function layout(w, h) {
  const rand = seededRandom(43);
  const horizonY = h * (h > w ? 0.78 : 0.8);
  const stars = Array.from({ length: Math.min(140, Math.round((w * h) / 4000)) }, () => ({ x: rand() * w, y: rand() * horizonY * 0.95, r: 0.6 + rand() * 1.4, phase: rand() * 6, rate: 0.5 + rand() * 1.5 }));
  const moon = { x: w * (h > w ? 0.7 : 0.78), y: h * 0.2, r: Math.min(w, h) * 0.08 };
  const clouds = Array.from({ length: 4 }, () => ({ x: rand(), y: h * (0.12 + rand() * 0.4), w: w * (0.18 + rand() * 0.15), speed: 0.006 + rand() * 0.01 }));
  const house = { x: w * (h > w ? 0.22 : 0.3), y: horizonY - h * 0.02, s: Math.min(w, h) * 0.07 };
  return { w, h, horizonY, stars, moon, clouds, house, hillSeed: rand() * 1000 };
}

function backdrop(g, { w, h, horizonY, moon, house, hillSeed }) {
  const ctx = g.drawingContext;
  verticalGradient(ctx, 0, 0, w, h, [[0, SKY[0]], [0.6, SKY[1]], [1, SKY[2]]]);
  glow(ctx, moon.x, moon.y, moon.r * 4, [255, 236, 200], 0.25);
  // A crescent: the moon's disc less a second disc (even-odd fill), so the sky shows through.
  ctx.save();
  ctx.fillStyle = 'rgb(255, 238, 206)';
  ctx.beginPath();
  ctx.arc(moon.x, moon.y, moon.r, 0, Math.PI * 2);
  ctx.arc(moon.x + moon.r * 0.45, moon.y - moon.r * 0.25, moon.r * 0.85, 0, Math.PI * 2);
  ctx.fill('evenodd');
  ctx.restore();
  const rand = seededRandom(hillSeed);
  hills(g, w, h, horizonY - h * 0.05, h * 0.04, rand, [34, 24, 58]);
  hills(g, w, h, horizonY, h * 0.03, rand, [18, 14, 36]);
  // A small house with a lit window.
  const { x, y, s } = house;
  g.noStroke();
  g.fill(14, 10, 28);
  g.rect(x - s, y - s * 1.2, s * 2, s * 1.3);
  g.triangle(x - s * 1.25, y - s * 1.15, x + s * 1.25, y - s * 1.15, x, y - s * 2.1);
  g.rect(x + s * 0.5, y - s * 2, s * 0.3, s * 0.6);
  glow(ctx, x + s * 0.4, y - s * 0.6, s * 1.6, [255, 200, 120], 0.35);
  g.fill(255, 206, 130);
  g.rect(x + s * 0.2, y - s * 0.85, s * 0.45, s * 0.45);
}

function animate(p, { w, stars, clouds }, t) {
  p.noStroke();
  for (const star of stars) {
    const twinkle = 0.55 + 0.45 * Math.sin(t * star.rate + star.phase);
    p.fill(255, 250, 235, 90 + 165 * twinkle);
    p.circle(star.x, star.y, star.r * 2);
  }
  for (const cloud of clouds) {
    const x = wrap(cloud.x * w + cloud.speed * w * t, w + cloud.w * 2) - cloud.w;
    p.fill(150, 130, 190, 40);
    p.ellipse(x, cloud.y, cloud.w, cloud.w * 0.18);
    p.ellipse(x + cloud.w * 0.2, cloud.y - cloud.w * 0.06, cloud.w * 0.6, cloud.w * 0.16);
  }
  // Now and then a shooting star.
  const cycle = t % 14;
  if (cycle < 0.8) {
    const k = cycle / 0.8;
    const x = w * (0.2 + 0.4 * k);
    const y = stars[0] ? 40 + 60 * k : 0;
    p.stroke(255, 255, 240, 200 * (1 - k));
    p.strokeWeight(1.5);
    p.line(x, y, x - 30, y - 8);
  }
}

export default {
  name: 'night',
  // Night colours for the notes: moonlight, lavender, a warm window, starlight blue.
  notes: [[255, 236, 200], [200, 170, 255], [255, 190, 130], [170, 200, 255]],
  light: ({ moon }) => ({ x: moon.x, y: moon.y, r: moon.r * 6, colour: [255, 236, 200] }),
  layout,
  backdrop,
  animate,
};
