// A quiet night (no ambience): a deep violet sky full of stars, a crescent moon, clouds drifting
// slowly and a small house on the hill with one window lit. Indigo, violet and moonlight.

import { fillPath, glow, hills, seededRandom, strokePath, verticalGradient, wrap } from './paint.js';

const SKY = [[10, 10, 34], [36, 26, 72], [86, 52, 98]];

function layout(w, h) {
  const rand = seededRandom(43);
  // The horizon and the house in the middle band, clear of the dock below.
  const horizonY = h * (h > w ? 0.64 : 0.72);
  const stars = Array.from({ length: Math.min(140, Math.round((w * h) / 4000)) }, () => ({ x: rand() * w, y: rand() * horizonY * 0.95, r: 0.6 + rand() * 1.4, phase: rand() * 6, rate: 0.5 + rand() * 1.5 }));
  const moon = { x: w * (h > w ? 0.7 : 0.78), y: h * (h > w ? 0.24 : 0.3), r: Math.min(w, h) * 0.08 };
  const clouds = Array.from({ length: 4 }, () => ({ x: rand(), y: h * (0.12 + rand() * 0.4), w: w * (0.18 + rand() * 0.15), speed: 0.006 + rand() * 0.01 }));
  const house = { x: w * (h > w ? 0.26 : 0.2), y: horizonY - h * 0.02, s: Math.min(w, h) * 0.07 };
  const pines = Array.from({ length: 7 }, (_, i) => ({ x: house.x + house.s * (2 + i * 1.1 + rand() * 0.6) * (i % 2 ? 1 : -1) * (i < 2 ? 1 : 1.4), height: house.s * (1.6 + rand() * 1.4) }));
  return { w, h, horizonY, stars, moon, clouds, house, pines, hillSeed: rand() * 1000 };
}

function backdrop(g, { w, h, horizonY, moon, house, pines, hillSeed }) {
  const ctx = g.drawingContext;
  verticalGradient(ctx, 0, 0, w, h, [[0, SKY[0]], [0.6, SKY[1]], [1, SKY[2]]]);
  glow(ctx, moon.x, moon.y, moon.r * 4, [255, 236, 200], 0.25);
  // A crescent: the moon's disc drawn only outside a second, offset disc (an even-odd clip of the
  // whole picture less that disc), so the sky shows through the bite.
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, w, h);
  ctx.arc(moon.x + moon.r * 0.45, moon.y - moon.r * 0.25, moon.r * 0.85, 0, Math.PI * 2);
  ctx.clip('evenodd');
  ctx.fillStyle = 'rgb(255, 238, 206)';
  ctx.beginPath();
  ctx.arc(moon.x, moon.y, moon.r, 0, Math.PI * 2);
  ctx.fill();
  ctx.restore();
  const rand = seededRandom(hillSeed);
  hills(g, w, h, horizonY - h * 0.05, h * 0.04, rand, [34, 24, 58]);
  hills(g, w, h, horizonY, h * 0.03, rand, [18, 14, 36]);
  // A lake under the hills, the moon's light in a broken path across it.
  const lakeY = horizonY + h * 0.04;
  verticalGradient(ctx, 0, lakeY, w, h - lakeY, [[0, [40, 30, 76]], [1, [14, 10, 30]]]);
  g.noStroke();
  for (let i = 0; i < 14; i++) {
    const y = lakeY + (h - lakeY) * (0.05 + i * 0.07);
    const half = moon.r * (0.6 + i * 0.12) * (0.6 + 0.4 * Math.sin(i * 2.3));
    g.fill(255, 236, 200, 140 - i * 8);
    g.rect(moon.x - half, y, half * 2, 1.2 + i * 0.08, 1);
  }
  g.fill(12, 9, 26);
  for (const pine of pines) g.triangle(pine.x - pine.height * 0.28, horizonY + 2, pine.x + pine.height * 0.28, horizonY + 2, pine.x, horizonY - pine.height);
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

// Moving parts, on the context itself (see paint.js: fillPath).
function animate(ctx, { w, h, stars, clouds }, t) {
  // Stars twinkling: four brightnesses, one path each.
  const levels = [[], [], [], []];
  for (const star of stars) levels[Math.min(3, Math.floor((0.5 + 0.5 * Math.sin(t * star.rate + star.phase)) * 4))].push(star);
  levels.forEach((level, i) => {
    fillPath(ctx, `rgba(255, 250, 235, ${0.35 + i * 0.21})`, () => {
      for (const star of level) {
        ctx.moveTo(star.x + star.r, star.y);
        ctx.arc(star.x, star.y, star.r, 0, Math.PI * 2);
      }
    });
  });
  fillPath(ctx, 'rgba(150, 130, 190, 0.16)', () => {
    for (const cloud of clouds) {
      const x = wrap(cloud.x * w + cloud.speed * w * t, w + cloud.w * 2) - cloud.w;
      ctx.moveTo(x + cloud.w / 2, cloud.y);
      ctx.ellipse(x, cloud.y, cloud.w / 2, cloud.w * 0.09, 0, 0, Math.PI * 2);
      ctx.moveTo(x + cloud.w * 0.5, cloud.y - cloud.w * 0.06);
      ctx.ellipse(x + cloud.w * 0.2, cloud.y - cloud.w * 0.06, cloud.w * 0.3, cloud.w * 0.08, 0, 0, Math.PI * 2);
    }
  });
  // Now and then a shooting star.
  const cycle = t % 14;
  if (cycle < 0.8) {
    const k = cycle / 0.8;
    const x = w * (0.2 + 0.4 * k);
    const y = h * (0.05 + 0.08 * k);
    strokePath(ctx, `rgba(255, 255, 240, ${0.8 * (1 - k)})`, 1.5, () => {
      ctx.moveTo(x, y);
      ctx.lineTo(x - 30, y - 8);
    });
  }
}

// A note is a star coming out in the sky, across it by its pitch (low left, high right), between
// the title and the hills.
function placeStar(note, { w, h, horizonY }) {
  return { x: w * (0.04 + 0.92 * note.pitch), y: h * 0.16 + (horizonY - h * 0.26) * note.seed, r: 0.9 + note.velocity * 0.9 };
}

export default {
  name: 'night',
  music: { kind: 'star', life: 3.6, place: placeStar },
  // Night colours for the notes: moonlight, lavender, a warm window, starlight blue.
  notes: [[255, 236, 200], [200, 170, 255], [255, 190, 130], [170, 200, 255]],
  light: ({ moon }) => ({ x: moon.x, y: moon.y, r: moon.r * 6, colour: [255, 236, 200] }),
  layout,
  backdrop,
  animate,
};
