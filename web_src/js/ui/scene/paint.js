// Small drawing helpers the scenes share, all on a plain 2D canvas context: the still picture is
// painted before p5 has loaded (see still.js), and the moving parts are drawn straight on p5's
// context (fillPath, strokePath), with no p5 call among them, inside stage.js's own save and
// restore. Gradients keep to a save and restore of their own.

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

// A smooth horizon line (hills) through random heights, filled down to the bottom; `top` (a
// colour) fades the fill from it at the crest, for the haze of distance.
export function hills(p, w, h, baseY, amplitude, rand, colour, bumps = 4, top = null) {
  const phases = Array.from({ length: bumps }, () => rand() * Math.PI * 2);
  const ctx = p.drawingContext;
  ctx.save();
  if (top) {
    const gradient = ctx.createLinearGradient(0, baseY - amplitude * 2, 0, h);
    gradient.addColorStop(0, rgba(top));
    gradient.addColorStop(Math.min(1, (amplitude * 6) / Math.max(1, h - baseY + amplitude * 2)), rgba(colour));
    gradient.addColorStop(1, rgba(colour));
    ctx.fillStyle = gradient;
  } else ctx.fillStyle = rgba(colour);
  ctx.beginPath();
  ctx.moveTo(0, h);
  for (let x = 0; x <= w + 4; x += 4) {
    let y = 0;
    for (let i = 0; i < bumps; i++) y += Math.sin((x / w) * Math.PI * (i + 1) + phases[i]) / (i + 1);
    ctx.lineTo(x, baseY - y * amplitude);
  }
  ctx.lineTo(w, h);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}

// A pen over a plain 2D context with the few p5 drawing calls the still pictures use (fill,
// stroke, rect, ellipse...): the same picture is painted before p5 has loaded and after, without
// p5. Colours as p5 takes them: (r, g, b[, a 0-255]) or (grey[, a]).
export function pen(ctx) {
  let fill = 'rgb(255, 255, 255)';
  let stroke = 'rgb(0, 0, 0)';
  let filling = true;
  let stroking = true;
  const colour = (args) => {
    const [r, g = r, b = r, a = 255] = args.length <= 2 ? [args[0], args[0], args[0], args[1] ?? 255] : args;
    return rgba([r, g, b], a / 255);
  };
  const finish = () => {
    if (filling) {
      ctx.fillStyle = fill;
      ctx.fill();
    }
    if (stroking) {
      ctx.strokeStyle = stroke;
      ctx.stroke();
    }
  };
  const P = {
    drawingContext: ctx,
    fill: (...args) => ((fill = colour(args)), (filling = true)),
    noFill: () => (filling = false),
    stroke: (...args) => ((stroke = colour(args)), (stroking = true)),
    noStroke: () => (stroking = false),
    strokeWeight: (width) => (ctx.lineWidth = width),
    rect(x, y, w, h, r = 0) {
      ctx.beginPath();
      if (r > 0 && ctx.roundRect) ctx.roundRect(x, y, w, h, r);
      else ctx.rect(x, y, w, h);
      finish();
    },
    ellipse(x, y, w, h = w) {
      ctx.beginPath();
      ctx.ellipse(x, y, Math.abs(w / 2), Math.abs(h / 2), 0, 0, Math.PI * 2);
      finish();
    },
    circle: (x, y, d) => P.ellipse(x, y, d, d),
    arc(x, y, w, h, start, stop) {
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.ellipse(x, y, w / 2, h / 2, 0, start, stop);
      ctx.closePath();
      finish();
    },
    line(x1, y1, x2, y2) {
      if (!stroking) return;
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
      ctx.strokeStyle = stroke;
      ctx.stroke();
    },
    poly(...xy) {
      ctx.beginPath();
      for (let i = 0; i < xy.length; i += 2) ctx.lineTo(xy[i], xy[i + 1]);
      ctx.closePath();
      finish();
    },
    triangle: (...xy) => P.poly(...xy),
    quad: (...xy) => P.poly(...xy),
    // Drawing limited to a rectangle while draw() runs (rain stays behind the glass).
    clipped(x, y, w, h, draw) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(x, y, w, h);
      ctx.clip();
      draw();
      ctx.restore();
    },
  };
  return P;
}

// Positive modulo, for things that wrap around the screen as time goes on.
export const wrap = (value, size) => ((value % size) + size) % size;
