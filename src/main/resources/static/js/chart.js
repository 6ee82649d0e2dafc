// Small hand-drawn SVG charts: no library.
import { h, svg } from './dom.js';

/**
 * A line chart of series over time. points: [{t: epoch ms, ...values}], series: [{key, label, color}].
 */
export function lineChart(points, series, { width = 560, height = 170, title } = {}) {
  const pad = { l: 34, r: 8, t: 10, b: 20 };
  const w = width - pad.l - pad.r;
  const hgt = height - pad.t - pad.b;
  const ts = points.map(p => p.t);
  const t0 = ts.length ? Math.min(...ts) : Date.now() - 3600000;
  const t1 = ts.length ? Math.max(...ts) : Date.now();
  const max = Math.max(1, ...points.flatMap(p => series.map(s => Number(p[s.key]) || 0)));
  const top = niceCeil(max);
  const x = t => pad.l + (t1 === t0 ? w : ((t - t0) / (t1 - t0)) * w);
  const y = v => pad.t + hgt - (v / top) * hgt;
  const grid = [0, 0.5, 1].map(f => {
    const v = Math.round(top * f);
    return [svg('line', { x1: pad.l, x2: pad.l + w, y1: y(v), y2: y(v), class: 'gridline' }),
      svg('text', { x: pad.l - 4, y: y(v) + 3, class: 'axis', 'text-anchor': 'end' }, String(v))];
  });
  const ticks = [t0, (t0 + t1) / 2, t1].map((t, i) => svg('text', {
    x: x(t), y: height - 5, class: 'axis', 'text-anchor': i === 0 ? 'start' : i === 2 ? 'end' : 'middle',
  }, clock(t)));
  const lines = series.map(s => {
    const d = points.map((p, i) => (i ? 'L' : 'M') + x(p.t).toFixed(1) + ' ' + y(Number(p[s.key]) || 0).toFixed(1)).join(' ');
    return svg('path', { d: d || 'M0 0', class: 'series', stroke: s.color, fill: 'none' });
  });
  const totals = series.map(s => points.reduce((a, p) => a + (Number(p[s.key]) || 0), 0));
  return h('figure.chart', title ? h('figcaption', title) : null,
    svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title || 'chart' },
      grid, ticks, lines),
    h('div.legend', series.map((s, i) => h('span', h('i', { style: 'background:' + s.color }), s.label + ' ' + totals[i]))));
}

/** Horizontal bars: [{label, value, class}]. */
export function bars(items, { unit = '' } = {}) {
  const max = Math.max(1, ...items.map(i => i.value || 0));
  return h('div.bars', items.map(i => h('div.bar-row',
    h('span.bar-label', i.label),
    h('span.bar-track', h('span.bar-fill' + (i.class ? '.' + i.class : ''), { style: `width:${((i.value || 0) / max) * 100}%` })),
    h('span.bar-value', String(i.value ?? 0) + unit))));
}

function niceCeil(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function clock(t) {
  const d = new Date(t);
  return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
}
