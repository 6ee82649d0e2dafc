// Small hand-drawn SVG charts: no library.
import { h, svg } from './dom.js';

/**
 * Stacked columns of series over time, one column per point: points [{t: epoch ms, ...values}], series
 * [{key, label, color}]. The drawing stretches to the panel's width; its labels are HTML so they do not stretch.
 */
export function columnChart(points, series, { height = 160, title } = {}) {
  const n = Math.max(points.length, 1);
  const totals = points.map(p => series.reduce((a, s) => a + (Number(p[s.key]) || 0), 0));
  const top = niceCeil(Math.max(1, ...totals));
  const W = n * 10;
  const cols = points.map((p, i) => {
    let y = height;
    return series.map(s => {
      const v = Number(p[s.key]) || 0;
      if (!v) return null;
      const hgt = (v / top) * height;
      y -= hgt;
      return svg('rect', { x: i * 10 + 1, y: y.toFixed(2), width: 8, height: hgt.toFixed(2), fill: s.color },
        svg('title', null, `${clock(p.t)} ${s.label} ${v}`));
    });
  });
  const grid = [0.25, 0.5, 0.75].map(f => svg('line', { x1: 0, x2: W, y1: height * (1 - f), y2: height * (1 - f), class: 'gridline' }));
  const sums = series.map(s => points.reduce((a, p) => a + (Number(p[s.key]) || 0), 0));
  const ticks = points.length ? [points[0].t, points[Math.floor((points.length - 1) / 2)].t, points[points.length - 1].t] : [];
  return h('figure.chart', title ? h('figcaption', title) : null,
    h('div.chart-body',
      h('div.chart-y', h('span', String(top)), h('span', String(top / 2)), h('span', '0')),
      h('div.chart-plot',
        svg('svg', { viewBox: `0 0 ${W} ${height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': title || 'chart', style: `height:${height}px` },
          grid, cols),
        h('div.chart-x', ticks.map(t => h('span', clock(t)))))),
    h('div.legend', series.map((s, i) => h('span', h('i', { style: 'background:' + s.color }), s.label + ' ' + sums[i]))));
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
