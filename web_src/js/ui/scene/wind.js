// Wind in the trees: a golden evening sky over green hills, round-crowned trees bending in the
// gusts, grass leaning and leaves blown across. Greens, teal and gold.

import { fillPath, glow, hills, seededRandom, strokePath, verticalGradient, wrap } from './paint.js';

// An evening sky: deep blue overhead (where the title sits), rose, then gold at the hills.
const SKY = [[34, 52, 92], [112, 112, 150], [226, 160, 130], [246, 204, 146]];
const LEAF = [[44, 100, 58], [58, 124, 66], [86, 150, 80]];
const BARK = [74, 54, 38];

function layout(w, h) {
  const rand = seededRandom(23);
  const portrait = h > w;
  const groundY = h * (portrait ? 0.62 : 0.74);
  const count = portrait ? 3 : 5;
  const trees = Array.from({ length: count }, (_, i) => {
    const size = Math.min(w, h) * (portrait ? 0.3 : 0.19) * (0.75 + rand() * 0.4);
    const crown = Array.from({ length: 7 }, () => ({ dx: (rand() - 0.5) * size * 0.9, dy: -rand() * size * 0.7, r: size * (0.35 + rand() * 0.2), shade: Math.floor(rand() * 3) }));
    crown.sort((a, b) => a.shade - b.shade);
    return { x: w * ((i + 0.5) / count) + (rand() - 0.5) * (w / count) * 0.5, y: groundY + rand() * h * 0.04, height: size * 1.1, size, crown, phase: rand() * 6 };
  });
  // What moves stays in one band, from the crowns' tops to the grass just in front of the trees
  // (the moving canvas covers only that band: see area); the meadow nearer the viewer, mostly
  // under the dock, is painted still.
  const top = Math.min(...trees.map((t) => t.y - t.height + Math.min(...t.crown.map((c) => c.dy - c.r)))) - 4;
  const front = groundY + h * 0.09;
  const blade = () => ({ x: rand() * w, len: 8 + rand() * 16, phase: rand() * 6 });
  const grass = Array.from({ length: Math.round(w / 9) }, () => ({ ...blade(), y: groundY + rand() * (front - groundY) }));
  const meadow = Array.from({ length: Math.round(w / 7) }, () => ({ ...blade(), y: front + rand() * (h - front) }));
  const leaves = Array.from({ length: 18 }, () => ({ x: rand(), y: top + 10 + rand() * (groundY - top - 10), speed: 0.08 + rand() * 0.12, phase: rand() * 6 }));
  const gusts = Array.from({ length: 5 }, () => ({ x: rand(), y: top + 10 + rand() * (groundY - top) * 0.6, len: w * (0.12 + rand() * 0.15), speed: 0.05 + rand() * 0.05 }));
  return { w, h, groundY, top, front, trees, grass, meadow, leaves, gusts, hillSeed: rand() * 1000 };
}

function backdrop(g, L) {
  const { w, h, groundY, hillSeed } = L;
  const ctx = g.drawingContext;
  verticalGradient(ctx, 0, 0, w, groundY, [[0, SKY[0]], [0.35, SKY[1]], [0.7, SKY[2]], [1, SKY[3]]]);
  // A few long clouds lit from below by the low sun.
  g.noStroke();
  const clouds = seededRandom(hillSeed + 1);
  for (let i = 0; i < 5; i++) {
    const cx = w * clouds();
    const cy = groundY * (0.3 + clouds() * 0.35);
    const cw = w * (0.12 + clouds() * 0.16);
    g.fill(250, 196, 170, 110);
    g.ellipse(cx, cy, cw, cw * 0.09);
    g.fill(255, 226, 200, 90);
    g.ellipse(cx + cw * 0.1, cy - cw * 0.025, cw * 0.6, cw * 0.06);
  }
  glow(ctx, w * 0.72, groundY - h * 0.12, Math.max(w, h) * 0.35, [255, 236, 180], 0.55);
  g.noStroke();
  g.fill(255, 240, 200);
  g.circle(w * 0.72, groundY - h * 0.12, Math.min(w, h) * 0.08);
  const rand = seededRandom(hillSeed);
  hills(g, w, h, groundY - h * 0.1, h * 0.04, rand, [132, 160, 120]);
  hills(g, w, h, groundY - h * 0.03, h * 0.035, rand, [84, 122, 80]);
  verticalGradient(ctx, 0, groundY, w, h - groundY, [[0, [62, 100, 60]], [1, [34, 62, 38]]]);
  g.stroke(70, 120, 64);
  g.strokeWeight(1.5);
  for (const b of L.meadow) g.line(b.x, b.y, b.x + b.len * 0.3, b.y - b.len);
  g.noStroke();
  // Each crown painted once into a picture of its own, which then sways as one piece: a
  // dozen large circles a tree, 30 times a second, would cost far more.
  for (const tree of L.trees) tree.sprite = crownSprite(tree, L.pixels || 1);
}

// At `scale` device pixels a unit: the crown stays sharp on the moving canvas.
function crownSprite(tree, scale) {
  const margin = Math.max(...tree.crown.map((c) => c.r)) + 2;
  const xs = tree.crown.map((c) => c.dx);
  const ys = tree.crown.map((c) => c.dy);
  const left = Math.min(...xs) - margin;
  const top = Math.min(...ys) - margin;
  const canvas = document.createElement('canvas');
  const width = Math.max(...xs) + margin - left;
  const height = Math.max(...ys) + margin - top;
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  for (const c of tree.crown) {
    fillPath(ctx, `rgb(${LEAF[c.shade].join(',')})`, () => ctx.arc(c.dx - left, c.dy - top, c.r, 0, Math.PI * 2));
  }
  // Sunlight on the crown's right side, facing the sun.
  ctx.globalCompositeOperation = 'source-atop';
  const light = ctx.createLinearGradient(0, 0, width, 0);
  light.addColorStop(0, 'rgba(20, 40, 30, 0.25)');
  light.addColorStop(1, 'rgba(255, 210, 120, 0.22)');
  ctx.fillStyle = light;
  ctx.fillRect(0, 0, width, height);
  return { canvas, left, top, width, height };
}

// How far the wind bends things at time t: a slow swell and quicker gusts, mostly one way.
const bend = (t, phase) => Math.sin(t * 1.1 + phase) * 0.6 + Math.sin(t * 2.7 + phase * 1.7) * 0.25 + 0.5;

// Moving parts, on the context itself (see paint.js: fillPath).
function animate(ctx, { w, trees, grass, leaves, gusts }, t) {
  // Streaks of moving air.
  strokePath(ctx, 'rgba(255, 255, 255, 0.24)', 1.5, () => {
    for (const s of gusts) {
      const x = wrap(s.x * w + s.speed * w * t, w + s.len) - s.len;
      ctx.moveTo(x, s.y);
      ctx.lineTo(x + s.len, s.y - 4);
      ctx.moveTo(x + s.len * 0.3, s.y + 6);
      ctx.lineTo(x + s.len * 0.8, s.y + 4);
    }
  });
  for (const tree of trees) {
    const sway = bend(t, tree.phase) * tree.size * 0.12;
    const topX = tree.x + sway;
    const topY = tree.y - tree.height;
    const foot = tree.size * 0.06;
    fillPath(ctx, `rgb(${BARK.join(',')})`, () => {
      ctx.moveTo(tree.x - foot, tree.y);
      ctx.lineTo(tree.x + foot, tree.y);
      ctx.quadraticCurveTo(tree.x + foot * 0.5, tree.y - tree.height * 0.5, topX + foot * 0.5, topY);
      ctx.lineTo(topX - foot * 0.5, topY);
      ctx.quadraticCurveTo(tree.x - foot * 0.5, tree.y - tree.height * 0.5, tree.x - foot, tree.y);
    });
    const sprite = tree.sprite;
    if (sprite) ctx.drawImage(sprite.canvas, topX + sprite.left + sway * 0.3, topY + sprite.top, sprite.width, sprite.height);
  }
  strokePath(ctx, 'rgb(70, 120, 64)', 1.5, () => {
    for (const blade of grass) {
      const lean = bend(t * 1.3, blade.phase) * blade.len * 0.5;
      ctx.moveTo(blade.x, blade.y);
      ctx.lineTo(blade.x + lean, blade.y - blade.len);
    }
  });
  // Leaves blown across, tumbling.
  fillPath(ctx, 'rgba(176, 150, 60, 0.9)', () => {
    for (const leaf of leaves) {
      const x = wrap(leaf.x * w + leaf.speed * w * t, w + 40) - 20;
      const y = leaf.y + Math.sin(t * 2 + leaf.phase) * 14;
      ctx.moveTo(x + 3.5, y);
      ctx.ellipse(x, y, 3.5, 1 + 1.2 * Math.abs(Math.sin(t * 5 + leaf.phase)), Math.sin(t * 3 + leaf.phase), 0, Math.PI * 2);
    }
  });
}

// A note is a firefly over the meadow, above the grass near its pitch (low left, high right).
function placeFirefly(note, { w, h, groundY }) {
  return { x: w * (0.05 + 0.9 * note.pitch), y: groundY - h * (0.03 + 0.16 * note.seed), r: 1.2 + note.velocity };
}

export default {
  name: 'wind',
  music: { kind: 'firefly', life: 3.4, place: placeFirefly },
  // Fireflies' colours for the notes: warm gold, pale lemon, lime, peach.
  notes: [[255, 226, 120], [255, 250, 190], [214, 255, 140], [255, 200, 150]],
  light: ({ w, h, groundY }) => ({ x: w * 0.72, y: groundY - h * 0.12, r: h * 0.15, colour: [255, 240, 190] }),
  area: ({ w, top, front }) => ({ x: 0, y: Math.max(0, top - 4), w, h: front + 2 - Math.max(0, top - 4) }),
  layout,
  backdrop,
  animate,
};
