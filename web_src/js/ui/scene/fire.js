// A fireplace: a brick hearth under a wooden mantel in a dark, warm room, logs burning with
// flickering tongues of flame and sparks rising. Reds, oranges and browns.

import { fillPath, glow, seededRandom, verticalGradient } from './paint.js';

const WALL = [[124, 66, 40], [62, 32, 22]];
const BRICK = [[118, 58, 40], [98, 48, 34], [132, 68, 46]];
const MORTAR = [58, 30, 22];
const WOOD = [78, 48, 30];

function layout(w, h) {
  const rand = seededRandom(11);
  const portrait = h > w;
  // The fire sits in the middle band of the screen: under the title, above the dock.
  const floorY = h * (portrait ? 0.64 : 0.72);
  const fw = portrait ? w * 0.86 : Math.min(w * 0.5, h * 0.6);
  const fh = fw * (portrait ? 0.9 : 0.72);
  const hearth = { x: w / 2 - fw / 2, y: floorY - fh, w: fw, h: fh };
  const opening = { x: hearth.x + fw * 0.2, y: hearth.y + fh * 0.3, w: fw * 0.6, h: fh * 0.7 };
  const brickH = Math.max(8, fh / 13);
  const brickW = brickH * 2.3;
  const bricks = [];
  for (let row = 0, y = hearth.y; y < floorY; row++, y += brickH) {
    for (let x = hearth.x - (row % 2 ? brickW / 2 : 0); x < hearth.x + fw; x += brickW) {
      bricks.push({ x: Math.max(x, hearth.x), y, w: Math.min(brickW, hearth.x + fw - Math.max(x, hearth.x)), h: brickH, shade: BRICK[Math.floor(rand() * 3)] });
    }
  }
  const base = opening.y + opening.h - opening.h * 0.14; // where the flames start, on the logs
  const flames = Array.from({ length: 7 }, (_, i) => ({
    x: opening.x + opening.w * (0.18 + (0.64 * i) / 6) + (rand() - 0.5) * opening.w * 0.04,
    height: opening.h * (0.38 + rand() * 0.22) * (1 - Math.abs(i - 3) * 0.09),
    width: opening.w * (0.08 + rand() * 0.04),
    phase: rand() * 10,
    rate: 5 + rand() * 4,
  }));
  const sparks = Array.from({ length: 14 }, () => ({ x: rand(), offset: rand(), speed: 0.25 + rand() * 0.35, phase: rand() * 6 }));
  // Frames on the wall either side, a lamp-lit armchair's silhouette at the left.
  const side = (w - fw) / 2;
  const frames = portrait
    ? []
    : [
        { x: side * 0.3, y: hearth.y + fh * 0.05, w: side * 0.34, h: fh * 0.4 },
        { x: w - side * 0.62, y: hearth.y - fh * 0.02, w: side * 0.28, h: fh * 0.3 },
        { x: w - side * 0.6, y: hearth.y + fh * 0.36, w: side * 0.22, h: fh * 0.22 },
      ];
  return { w, h, portrait, floorY, hearth, opening, bricks, base, flames, sparks, frames, side };
}

function backdrop(g, { w, h, portrait, floorY, hearth, opening, bricks, frames, side }) {
  const ctx = g.drawingContext;
  verticalGradient(ctx, 0, 0, w, floorY, [[0, WALL[1]], [1, WALL[0]]]);
  // Striped wallpaper, warm in the firelight, and a floor of boards.
  g.noStroke();
  g.fill(0, 0, 0, 26);
  for (let x = 0; x < w; x += 36) g.rect(x, 0, 14, floorY);
  glow(ctx, w / 2, floorY - hearth.h * 0.3, Math.max(w, h) * 0.6, [255, 150, 70], 0.3);
  verticalGradient(ctx, 0, floorY, w, h - floorY, [[0, [96, 56, 34]], [1, [48, 28, 18]]]);
  g.stroke(40, 22, 14);
  g.strokeWeight(1);
  for (let y = floorY + 8; y < h; y += 10 + (y - floorY) * 0.3) g.line(0, y, w, y);
  // A rug in front of the hearth.
  g.noStroke();
  g.fill(110, 40, 38);
  g.ellipse(w / 2, floorY + (h - floorY) * 0.55, hearth.w * 1.2, (h - floorY) * 0.6);
  g.stroke(...MORTAR);
  g.strokeWeight(1.5);
  for (const b of bricks) {
    g.fill(...b.shade);
    g.rect(b.x, b.y, b.w, b.h);
  }
  // Pictures on the wall, warm in the firelight.
  g.noStroke();
  for (const f of frames) {
    g.fill(58, 34, 22);
    g.rect(f.x, f.y, f.w, f.h);
    g.fill(150, 112, 80);
    g.rect(f.x + f.w * 0.1, f.y + f.h * 0.1, f.w * 0.8, f.h * 0.8);
    g.fill(96, 118, 96);
    g.triangle(f.x + f.w * 0.1, f.y + f.h * 0.9, f.x + f.w * 0.45, f.y + f.h * 0.45, f.x + f.w * 0.8, f.y + f.h * 0.9);
  }
  if (!portrait) {
    // An armchair's dark silhouette at the left, facing the fire, and a floor lamp behind it.
    const cx = side * 0.55;
    glow(g.drawingContext, cx - side * 0.28, floorY - h * 0.36, side * 0.5, [255, 200, 130], 0.35);
    g.fill(30, 18, 14);
    g.rect(cx - side * 0.3, floorY - h * 0.36, 3, h * 0.36);
    g.fill(214, 170, 110);
    g.quad(cx - side * 0.36, floorY - h * 0.36, cx - side * 0.2, floorY - h * 0.36, cx - side * 0.23, floorY - h * 0.42, cx - side * 0.33, floorY - h * 0.42);
    g.fill(44, 22, 18);
    g.rect(cx - side * 0.2, floorY - h * 0.2, side * 0.5, h * 0.2, 8);
    g.rect(cx - side * 0.24, floorY - h * 0.12, side * 0.6, h * 0.1, 6);
    g.fill(36, 18, 14);
    g.rect(cx - side * 0.26, floorY - h * 0.14, side * 0.12, h * 0.14, 5);
  }
  // The mantel shelf, with a candle, books, a mug and a small frame on it.
  g.noStroke();
  g.fill(...WOOD);
  const shelfH = hearth.h * 0.07;
  g.rect(hearth.x - hearth.w * 0.08, hearth.y - shelfH, hearth.w * 1.16, shelfH);
  g.fill(236, 222, 190);
  g.rect(hearth.x + hearth.w * 0.1, hearth.y - shelfH - hearth.h * 0.12, hearth.w * 0.03, hearth.h * 0.12);
  glow(g.drawingContext, hearth.x + hearth.w * 0.115, hearth.y - shelfH - hearth.h * 0.15, hearth.h * 0.12, [255, 210, 140], 0.6);
  g.fill(255, 220, 150);
  g.ellipse(hearth.x + hearth.w * 0.115, hearth.y - shelfH - hearth.h * 0.145, hearth.w * 0.016, hearth.h * 0.04);
  for (const [dx, bw, bh, tone] of [[0.22, 0.035, 0.13, [70, 84, 110]], [0.258, 0.03, 0.11, [130, 60, 48]], [0.29, 0.038, 0.14, [90, 110, 80]]]) {
    g.fill(...tone);
    g.rect(hearth.x + hearth.w * dx, hearth.y - shelfH - hearth.h * bh, hearth.w * bw, hearth.h * bh);
  }
  g.fill(210, 190, 160);
  g.rect(hearth.x + hearth.w * 0.58, hearth.y - shelfH - hearth.h * 0.07, hearth.w * 0.05, hearth.h * 0.07, 2);
  g.fill(60, 38, 26);
  g.rect(hearth.x + hearth.w * 0.72, hearth.y - shelfH - hearth.h * 0.16, hearth.w * 0.14, hearth.h * 0.16);
  g.fill(120, 92, 64);
  g.rect(hearth.x + hearth.w * 0.735, hearth.y - shelfH - hearth.h * 0.145, hearth.w * 0.11, hearth.h * 0.13);
  // The opening: an arch of black, and the logs.
  g.fill(12, 6, 5);
  g.rect(opening.x, opening.y + opening.w * 0.25, opening.w, opening.h - opening.w * 0.25);
  g.arc(opening.x + opening.w / 2, opening.y + opening.w * 0.25, opening.w, opening.w * 0.5, Math.PI, Math.PI * 2);
  const logY = opening.y + opening.h - opening.h * 0.12;
  g.fill(92, 54, 32);
  g.rect(opening.x + opening.w * 0.1, logY, opening.w * 0.8, opening.h * 0.09, 6);
  g.fill(72, 42, 26);
  g.rect(opening.x + opening.w * 0.2, logY - opening.h * 0.07, opening.w * 0.62, opening.h * 0.08, 6);
  g.fill(150, 100, 60);
  g.ellipse(opening.x + opening.w * 0.12, logY + opening.h * 0.045, opening.h * 0.06, opening.h * 0.085);
}

// One tongue of flame, added to the path: a teardrop whose tip sways.
function traceFlame(ctx, x, base, width, height, sway) {
  const tipX = x + sway;
  const tipY = base - height;
  ctx.moveTo(x - width, base);
  ctx.quadraticCurveTo(x - width * 1.1, base - height * 0.45, tipX, tipY);
  ctx.quadraticCurveTo(x + width * 1.1, base - height * 0.45, x + width, base);
  ctx.closePath();
}

const FLAME_LAYERS = [
  ['rgb(214, 72, 28)', 1],
  ['rgb(246, 140, 38)', 0.72],
  ['rgb(255, 214, 96)', 0.42],
];

// Moving parts, on the context itself (see paint.js: fillPath).
function animate(ctx, { hearth, opening, base, flames, sparks }, t) {
  const flicker = 0.8 + 0.12 * Math.sin(t * 7.3) + 0.08 * Math.sin(t * 13.1 + 1);
  glow(ctx, opening.x + opening.w / 2, base - opening.h * 0.2, opening.w * 0.75, [255, 130, 50], 0.35 * flicker);
  // Not clipped (a clip costs on every frame): the tallest tongue stays under the arch.
  for (const [style, scale] of FLAME_LAYERS) {
    fillPath(ctx, style, () => {
      for (const f of flames) {
        const lick = 0.78 + 0.14 * Math.sin(t * f.rate + f.phase) + 0.08 * Math.sin(t * f.rate * 2.3 + f.phase * 2);
        const sway = Math.sin(t * 3.1 + f.phase) * f.width * 0.6;
        traceFlame(ctx, f.x, base, f.width * scale * 1.1, f.height * lick * scale, sway * scale);
      }
    });
  }
  // Sparks drifting up out of the fire, fading as they climb (two brightnesses, one path each).
  const rise = hearth.h * 0.9;
  for (const [style, young] of [['rgba(255, 200, 100, 0.9)', true], ['rgba(255, 170, 80, 0.4)', false]]) {
    fillPath(ctx, style, () => {
      for (const s of sparks) {
        const k = (s.offset + s.speed * t) % 1;
        if (k < 0.5 !== young) continue;
        const x = opening.x + opening.w * (0.25 + s.x * 0.5) + Math.sin(t * 2 + s.phase) * 6 * k;
        const y = base - opening.h * 0.2 - k * rise;
        if (y < opening.y) continue;
        ctx.moveTo(x + 0.8, y);
        ctx.arc(x, y, 0.8, 0, Math.PI * 2);
      }
    });
  }
}

// A note is a spark from the fire, above the flame nearest its pitch (low left, high right).
function placeSpark(note, { opening, base }) {
  return {
    x: opening.x + opening.w * (0.22 + 0.56 * note.pitch),
    y: base - opening.h * 0.12,
    rise: base - opening.h * 0.12 - opening.y - opening.w * 0.1,
    sway: opening.w * 0.05,
    r: 1.1 + note.velocity * 0.8,
    // With reduced motion it stays where it would be near the top of its climb, over the flames.
    still: 0.78 + 0.2 * note.seed,
  };
}

export default {
  name: 'fire',
  music: { kind: 'spark', life: 2.6, place: placeSpark },
  // Ember colours for the notes: gold, peach, rose, amber.
  notes: [[255, 214, 120], [255, 170, 130], [255, 140, 160], [255, 196, 80]],
  light: ({ opening, base }) => ({ x: opening.x + opening.w / 2, y: base - opening.h * 0.2, r: opening.w * 0.75, colour: [255, 150, 70] }),
  // Everything that moves (flames, sparks, the fire's glow and the drums' pulse) is in here.
  area: ({ w, h, opening, base }) => {
    const y = Math.max(0, base - opening.h * 0.2 - opening.w * 0.78);
    return { x: opening.x - opening.w * 0.3, y, w: opening.w * 1.6, h: Math.min(h, base - opening.h * 0.2 + opening.w * 0.78) - y };
  },
  layout,
  backdrop,
  animate,
};
