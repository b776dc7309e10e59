// CryoSphere view: the dashboard page. Plain JavaScript over the server's API (ViewApi.cs); 3Dmol.js for 3D.
// The scatter writes pixels straight into an ImageData, so 300,000 points draw in milliseconds without WebGL.
'use strict';

const $ = id => document.getElementById(id);
// Colours of segments and categories (Tableau 10), and a viridis ramp for numeric columns.
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const VIRIDIS = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37]];

const state = {
  summary: null, n: 0, xy: null, pcX: 0, pcY: 1,
  colour: null, categorical: false, colourName: '',
  view: null, grid: null, selected: -1, polygon: null, selection: null,
  viewer: null, segmentation: null, metricsModified: null, metricsRows: 0,
  lastStructure: null, particleImages: null,
};

// For tests and the curious: the page's state and a few probes (see CryoSphere.Tests/View).
window.cryoView = {
  state, firstPaintMs: null, pointsDrawn: 0, ready: false, errors: [], timings: {},
  pixelOf: i => { const [x, y] = toPixel(i); const r = $('overlay').getBoundingClientRect(); return { x: r.left + x, y: r.top + y }; },
  dataToPage: (x, y) => { const v = state.view; const r = $('overlay').getBoundingClientRect(); return { x: r.left + (x - v.x0) * v.sx, y: r.top + (v.y1 - y) * v.sy }; },
};

function status(text, isError) {
  const s = $('status');
  s.textContent = text;
  s.className = isError ? 'error' : '';
  if (isError) window.cryoView.errors.push(text);
}

async function api(path, options) {
  const r = await fetch(path, options);
  if (!r.ok) {
    let msg = r.status + ' ' + r.statusText;
    try { msg = (await r.json()).error || msg; } catch { /* not JSON */ }
    throw new Error(msg);
  }
  return r;
}

// ---------- latent scatter ----------

function quantile(sorted, q) { return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]; }

function computeView() {
  const c = $('scatter');
  const w = c.clientWidth, h = c.clientHeight;
  // Quantiles from at most 20,000 evenly spaced points: sorting 300,000 twice would delay the first paint.
  const count = state.xy.length / 2, stride = Math.ceil(count / 20000), m = Math.ceil(count / stride);
  const xs = new Float32Array(m), ys = new Float32Array(m);
  for (let k = 0; k < m; k++) { xs[k] = state.xy[2 * k * stride]; ys[k] = state.xy[2 * k * stride + 1]; }
  xs.sort(); ys.sort();
  // 0.1–99.9 % so a few outliers do not squash the cloud; points beyond are drawn on the edge.
  let x0 = quantile(xs, 0.001), x1 = quantile(xs, 0.999), y0 = quantile(ys, 0.001), y1 = quantile(ys, 0.999);
  const px = (x1 - x0) * 0.05 || 1, py = (y1 - y0) * 0.05 || 1;
  x0 -= px; x1 += px; y0 -= py; y1 += py;
  state.view = { w, h, x0, x1, y0, y1, sx: w / (x1 - x0), sy: h / (y1 - y0) };
}

function toPixel(i) { return [state.px[i], state.py[i]]; }

// Pixel position of every point, once per view (the plot's hot loops read these arrays).
function computePixels() {
  const v = state.view, xy = state.xy, n = xy.length / 2;
  const px = new Float32Array(n), py = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    px[i] = Math.min(v.w - 1, Math.max(0, (xy[2 * i] - v.x0) * v.sx));
    py[i] = Math.min(v.h - 1, Math.max(0, (v.y1 - xy[2 * i + 1]) * v.sy));
  }
  state.px = px; state.py = py;
}

function pointColour(i) {
  if (!state.colour) return [38, 70, 140];
  const v = state.colour[i];
  if (Number.isNaN(v)) return [190, 190, 190];
  if (state.categorical) {
    const hex = PALETTE[((Math.round(v) % 10) + 10) % 10];
    return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
  }
  const t = (v - state.colourLo) / (state.colourHi - state.colourLo || 1);
  const k = Math.min(VIRIDIS.length - 1, Math.max(0, Math.round(t * (VIRIDIS.length - 1))));
  return VIRIDIS[k];
}

// Buckets of 8 px for hover and click: nearest point without scanning every particle.
function buildGrid() {
  const v = state.view, cell = 8;
  const gw = Math.ceil(v.w / cell) + 1, gh = Math.ceil(v.h / cell) + 1;
  const count = new Int32Array(gw * gh + 1), cellOf = new Int32Array(state.n);
  const px = state.px, py = state.py;
  for (let i = 0; i < state.n; i++) {
    const c = Math.floor(py[i] / cell) * gw + Math.floor(px[i] / cell);
    cellOf[i] = c; count[c + 1]++;
  }
  for (let c = 0; c < gw * gh; c++) count[c + 1] += count[c];
  const fill = count.slice(), items = new Int32Array(state.n);
  for (let i = 0; i < state.n; i++) items[fill[cellOf[i]]++] = i;
  state.grid = { cell, gw, gh, start: count, items };
}

function nearest(px, py, radius) {
  const g = state.grid;
  let best = -1, bestD = radius * radius;
  const cx = Math.floor(px / g.cell), cy = Math.floor(py / g.cell), r = Math.ceil(radius / g.cell);
  for (let gy = Math.max(0, cy - r); gy <= Math.min(g.gh - 1, cy + r); gy++)
    for (let gx = Math.max(0, cx - r); gx <= Math.min(g.gw - 1, cx + r); gx++) {
      const c = gy * g.gw + gx;
      for (let k = g.start[c]; k < g.start[c + 1]; k++) {
        const i = g.items[k];
        const [x, y] = toPixel(i);
        const d = (x - px) ** 2 + (y - py) ** 2;
        if (d <= bestD) { bestD = d; best = i; }
      }
    }
  return best;
}

function drawScatter() {
  const c = $('scatter'), dpr = window.devicePixelRatio || 1;
  const v = state.view;
  c.width = Math.round(v.w * dpr); c.height = Math.round(v.h * dpr);
  const ctx = c.getContext('2d');
  const img = ctx.createImageData(c.width, c.height), d = img.data;
  // Few points: 3×3 dots so each is visible; many: one device pixel each, later points over earlier ones.
  const size = state.n < 20000 ? Math.max(2, Math.round(3 * dpr)) : Math.max(1, Math.round(dpr));
  let drawn = 0;
  const px = state.px, py = state.py, plain = [38, 70, 140], count = state.xy.length / 2;
  for (let i = 0; i < count; i++) {
    const [r, g, b] = state.colour ? pointColour(i) : plain;
    const X = Math.round(px[i] * dpr - size / 2), Y = Math.round(py[i] * dpr - size / 2);
    for (let dy = 0; dy < size; dy++) {
      const yy = Y + dy;
      if (yy < 0 || yy >= c.height) continue;
      for (let dx = 0; dx < size; dx++) {
        const xx = X + dx;
        if (xx < 0 || xx >= c.width) continue;
        const o = (yy * c.width + xx) * 4;
        d[o] = r; d[o + 1] = g; d[o + 2] = b; d[o + 3] = 255;
      }
    }
    drawn++;
  }
  ctx.putImageData(img, 0, 0);
  ctx.fillStyle = '#555';
  ctx.font = `${11 * dpr}px system-ui`;
  ctx.fillText(`PC${state.pcX + 1} →`, c.width - 60 * dpr, c.height - 6 * dpr);
  ctx.fillText(`↑ PC${state.pcY + 1}`, 6 * dpr, 14 * dpr);
  window.cryoView.pointsDrawn = drawn;
  if (window.cryoView.firstPaintMs === null) window.cryoView.firstPaintMs = performance.now();
  c.dataset.points = String(drawn);
  drawOverlay();
}

function drawOverlay() {
  const c = $('overlay'), dpr = window.devicePixelRatio || 1, v = state.view;
  c.width = Math.round(v.w * dpr); c.height = Math.round(v.h * dpr);
  const ctx = c.getContext('2d');
  ctx.scale(dpr, dpr);
  if (state.polygon && state.polygon.length > 1) {
    ctx.strokeStyle = '#d32f2f'; ctx.fillStyle = 'rgba(211,47,47,0.08)'; ctx.lineWidth = 1.5;
    ctx.beginPath();
    state.polygon.forEach(([x, y], k) => { const px = (x - v.x0) * v.sx, py = (v.y1 - y) * v.sy; if (k) ctx.lineTo(px, py); else ctx.moveTo(px, py); });
    ctx.closePath(); ctx.fill(); ctx.stroke();
  }
  if (state.sliderValue !== undefined) {
    const px = (state.sliderValue - v.x0) * v.sx;
    ctx.strokeStyle = 'rgba(0,0,0,0.4)'; ctx.setLineDash([4, 4]);
    ctx.beginPath(); ctx.moveTo(px, 0); ctx.lineTo(px, v.h); ctx.stroke(); ctx.setLineDash([]);
  }
  if (state.selected >= 0) {
    const [x, y] = toPixel(state.selected);
    ctx.strokeStyle = '#000'; ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(x, y, 6, 0, 2 * Math.PI); ctx.stroke();
  }
}

// With a preview (every k-th point, at most 30,000: /api/points?max=) the first paint comes before the full set
// has even arrived; the full set then draws in the preview's frame.
async function loadPoints(preview) {
  if (preview) {
    const stride = Number(preview.headers.get('X-Stride') || '1');
    state.xy = new Float32Array(await preview.arrayBuffer());
    mark('preview');
    computeView(); computePixels(); drawScatter();
    mark('preview-drawn');
    if (stride === 1) { buildGrid(); return; }
  }
  const r = await api(`/api/points?x=${state.pcX}&y=${state.pcY}`);
  state.xy = new Float32Array(await r.arrayBuffer());
  mark('points');
  if (!preview) computeView();
  computePixels(); drawScatter();
  mark('drawn');
  buildGrid();
}

// Milliseconds since navigation start at each step of the first load, for the first-paint test's report.
function mark(name) { window.cryoView.timings[name] = Math.round(performance.now()); }

function loadScript(src) {
  return new Promise((ok, fail) => {
    const s = document.createElement('script');
    s.src = src; s.onload = ok; s.onerror = () => fail(new Error('cannot load ' + src));
    document.head.appendChild(s);
  });
}

async function loadColour(name) {
  state.colourName = name;
  const legend = $('colour-legend');
  legend.textContent = '';
  if (!name) { state.colour = null; drawScatter(); return; }
  const col = state.summary.colours.find(c => c.name === name);
  const r = await api(`/api/colour?name=${encodeURIComponent(name)}`);
  const v = new Float32Array(await r.arrayBuffer());
  state.colour = v; state.categorical = col.categorical;
  const finite = Array.from(v).filter(Number.isFinite).sort((a, b) => a - b);
  state.colourLo = quantile(finite, 0.01); state.colourHi = quantile(finite, 0.99);
  if (state.categorical) {
    for (const c of [...new Set(finite.map(Math.round))].slice(0, 20))
      legend.insertAdjacentHTML('beforeend', `<span><span class="swatch" style="background:${PALETTE[((c % 10) + 10) % 10]}"></span>${c}</span>`);
  } else {
    legend.textContent = `${name}: ${state.colourLo.toPrecision(4)} (purple) … ${state.colourHi.toPrecision(4)} (yellow)`;
  }
  drawScatter();
}

function pointInPolygon(x, y, poly) {
  let inside = false;
  for (let a = 0, b = poly.length - 1; a < poly.length; b = a++) {
    const [xa, ya] = poly[a], [xb, yb] = poly[b];
    if ((ya > y) !== (yb > y) && x < (xb - xa) * (y - ya) / (yb - ya) + xa) inside = !inside;
  }
  return inside;
}

function finishSelection() {
  const poly = state.polygon;
  let count = 0;
  for (let i = 0; i < state.n; i++) if (pointInPolygon(state.xy[2 * i], state.xy[2 * i + 1], poly)) count++;
  state.selection = { x: state.pcX, y: state.pcY, polygon: poly, count };
  $('selection-count').textContent = `${count} selected`;
  $('selection-count').dataset.count = String(count);
  $('export').disabled = count === 0;
  $('download').hidden = true;
}

async function exportSelection() {
  const s = state.selection;
  if (!s) return;
  try {
    const r = await api('/api/selection', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ x: s.x, y: s.y, polygon: s.polygon }) });
    const j = await r.json();
    const a = $('download');
    a.href = j.download; a.textContent = `download (${j.count} particles)`; a.hidden = false;
    a.dataset.count = String(j.count);
    a.setAttribute('download', '');
    status(`wrote ${j.count} particles to ${j.file || j.folder}` + (j.note ? ` (${j.note})` : ''));
  } catch (e) { status('export: ' + e.message, true); }
}

function dataOf(ev) {
  const r = $('overlay').getBoundingClientRect(), v = state.view;
  const px = ev.clientX - r.left, py = ev.clientY - r.top;
  return { px, py, x: v.x0 + px / v.sx, y: v.y1 - py / v.sy };
}

let hoverTimer = null, hoverIndex = -1;
function setupScatterEvents() {
  const o = $('overlay');
  let drag = null;
  o.addEventListener('mousedown', ev => { const p = dataOf(ev); drag = { start: p, points: [[p.x, p.y]], moved: false }; });
  o.addEventListener('mousemove', ev => {
    const p = dataOf(ev);
    if (drag) {
      if (Math.hypot(p.px - drag.start.px, p.py - drag.start.py) > 4) drag.moved = true;
      if (!drag.moved) return;
      if ($('drag-mode').value === 'box') {
        const a = drag.start;
        state.polygon = [[a.x, a.y], [p.x, a.y], [p.x, p.y], [a.x, p.y]];
      } else {
        drag.points.push([p.x, p.y]);
        state.polygon = drag.points.slice();
      }
      drawOverlay();
      return;
    }
    const i = nearest(p.px, p.py, 8);
    const h = $('hover');
    if (i < 0) { h.hidden = true; hoverIndex = -1; return; }
    h.hidden = false;
    h.style.left = (p.px + 12) + 'px'; h.style.top = (p.py + 12) + 'px';
    if (i === hoverIndex) return;
    hoverIndex = i;
    h.textContent = `particle ${i}`;
    clearTimeout(hoverTimer);
    hoverTimer = setTimeout(async () => {
      try {
        const j = await (await api(`/api/particles/${i}`)).json();
        if (hoverIndex === i) h.textContent = `particle ${i}` + (j.image ? ` · ${j.image}` : '');
      } catch (e) { status(e.message, true); }
    }, 80);
  });
  o.addEventListener('mouseleave', () => { $('hover').hidden = true; hoverIndex = -1; });
  window.addEventListener('mouseup', ev => {
    if (!drag) return;
    const d = drag; drag = null;
    if (d.moved && state.polygon && state.polygon.length >= 3) { finishSelection(); drawOverlay(); return; }
    const p = dataOf(ev);
    const i = nearest(p.px, p.py, 10);
    if (i >= 0) selectParticle(i);
  });
}

// ---------- structure ----------

function segmentColour(atom) { return PALETTE[(Math.max(1, Math.round(atom.b)) - 1) % 10]; }

function styleViewer() {
  const v = state.viewer;
  v.setStyle({}, { cartoon: { style: 'trace', colorfunc: segmentColour, thickness: 0.5 }, sphere: { radius: 0.9, colorfunc: segmentColour } });
  if (state.highlight) v.setStyle({ chain: state.highlight.chain, resi: state.highlight.resi }, { sphere: { radius: 2.2, color: '#111' } });
}

function showStructure(pdb, caption, frames) {
  const v = state.viewer;
  v.stopAnimate();
  v.clear();
  if (frames) v.addModelsAsFrames(pdb, 'pdb'); else v.addModel(pdb, 'pdb');
  styleViewer();
  if (!state.zoomed) { v.zoomTo(); state.zoomed = true; }
  v.render();
  $('structure-caption').textContent = caption;
}

async function loadStructure(query, caption) {
  try {
    const j = await (await api(`/api/structure?${query}`)).json();
    state.lastStructure = j;
    showStructure(j.pdb, caption, false);
    $('viewer').dataset.structure = caption;
  } catch (e) { status('structure: ' + e.message, true); }
}

async function selectParticle(i) {
  state.selected = i;
  drawOverlay();
  await loadStructure(`particle=${i}`, `particle ${i}`);
  if (state.summary.hasImages) loadParticleImages(i);
}

async function playTraversal() {
  const pc = Number($('traversal-pc').value);
  try {
    const j = await (await api(`/api/traversal?pc=${pc}&steps=10`)).json();
    showStructure(j.pdb, `traversal along PC${pc + 1}`, true);
    state.viewer.animate({ loop: 'backAndForth', interval: 150 });
  } catch (e) { status('traversal: ' + e.message, true); }
}

let sliderTimer = null;
function onSlider() {
  const v = state.view, t = Number($('pc-slider').value) / 1000;
  const value = v.x0 + (v.x1 - v.x0) * t;
  state.sliderValue = value;
  drawOverlay();
  clearTimeout(sliderTimer);
  sliderTimer = setTimeout(() => {
    const pcs = new Array(state.pcX + 1).fill(0);
    pcs[state.pcX] = value;
    loadStructure(`pcs=${pcs.join(',')}`, `PC${state.pcX + 1} = ${value.toPrecision(3)} (other PCs at the mean)`);
  }, 60);
}

// ---------- segmentation ----------

async function loadSegmentation() {
  const s = await (await api('/api/segmentation')).json();
  state.segmentation = s;
  const c = $('segmentation'), dpr = window.devicePixelRatio || 1;
  c.width = Math.round(c.clientWidth * dpr); c.height = Math.round(c.clientHeight * dpr);
  const ctx = c.getContext('2d'), r = s.residues.length, k = s.segments;
  const w = c.width / r, top = c.height * 0.7;
  // Stacked memberships per residue on top, the hard assignment below.
  for (let i = 0; i < r; i++) {
    let y = top;
    for (let j = 0; j < k; j++) {
      const h = s.membership[i * k + j] * top;
      ctx.fillStyle = PALETTE[j % 10];
      ctx.fillRect(i * w, y - h, Math.ceil(w), h);
      y -= h;
    }
    ctx.fillStyle = PALETTE[(s.segment[i] - 1) % 10];
    ctx.fillRect(i * w, top + 4 * dpr, Math.ceil(w), c.height - top - 4 * dpr);
  }
  const legend = $('segment-legend');
  for (let j = 0; j < k; j++) {
    const n = s.segment.filter(x => x === j + 1).length;
    legend.insertAdjacentHTML('beforeend', `<span><span class="swatch" style="background:${PALETTE[j % 10]}"></span>segment ${j + 1} (${n} residues)</span>`);
  }
  c.addEventListener('mousemove', ev => {
    const rect = c.getBoundingClientRect();
    const i = Math.min(r - 1, Math.max(0, Math.floor((ev.clientX - rect.left) / rect.width * r)));
    highlightResidue(i);
  });
  c.addEventListener('mouseleave', () => highlightResidue(-1));
}

function highlightResidue(i) {
  const s = state.segmentation;
  if (i < 0) { state.highlight = null; $('residue-caption').textContent = ''; }
  else {
    const k = s.segments, g = s.membership.slice(i * k, i * k + k).map(x => x.toFixed(2)).join(' ');
    state.highlight = { chain: s.chains[i], resi: s.residues[i] };
    $('residue-caption').textContent = `${s.chains[i]}:${s.residues[i]} ${s.names[i]} — segment ${s.segment[i]} (memberships ${g})`;
  }
  if (state.viewer && state.lastStructure) { styleViewer(); state.viewer.render(); }
}

// ---------- training ----------

function drawChart(canvas, xs, ys, label) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(canvas.clientWidth * dpr); canvas.height = Math.round(canvas.clientHeight * dpr);
  const ctx = canvas.getContext('2d');
  ctx.scale(dpr, dpr);
  const w = canvas.clientWidth, h = canvas.clientHeight, m = 28;
  const pts = xs.map((x, i) => [x, ys[i]]).filter(p => p[1] !== null && Number.isFinite(p[1]));
  ctx.fillStyle = '#333'; ctx.font = '11px system-ui';
  ctx.fillText(label, m + 40, 11);
  if (pts.length === 0) return;
  let x0 = Math.min(...pts.map(p => p[0])), x1 = Math.max(...pts.map(p => p[0]));
  let y0 = Math.min(...pts.map(p => p[1])), y1 = Math.max(...pts.map(p => p[1]));
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
  const X = x => m + (x - x0) / (x1 - x0) * (w - m - 6), Y = y => h - 16 - (y - y0) / (y1 - y0) * (h - 34);
  ctx.strokeStyle = '#bbb'; ctx.strokeRect(m, 16, w - m - 6, h - 32);
  ctx.fillText(y1.toPrecision(3), 0, 24); ctx.fillText(y0.toPrecision(3), 0, h - 16);
  ctx.fillText(`epoch ${x0}–${x1}`, m, h - 3);
  ctx.strokeStyle = '#1565c0'; ctx.lineWidth = 1.5; ctx.beginPath();
  pts.forEach(([x, y], k) => { if (k) ctx.lineTo(X(x), Y(y)); else ctx.moveTo(X(x), Y(y)); });
  ctx.stroke();
  for (const [x, y] of pts) { ctx.fillStyle = '#1565c0'; ctx.fillRect(X(x) - 1.5, Y(y) - 1.5, 3, 3); }
}

async function loadMetrics() {
  try {
    const j = await (await api('/api/metrics')).json();
    if (j.modified === state.metricsModified && j.rows.length === state.metricsRows) return;
    state.metricsModified = j.modified; state.metricsRows = j.rows.length;
    const charts = $('charts');
    charts.textContent = '';
    $('training-panel').dataset.rows = String(j.rows.length);
    if (j.rows.length === 0) { $('training-caption').textContent = '(no metrics.csv yet)'; return; }
    $('training-caption').textContent = `${j.rows.length} epochs`;
    const e = j.columns.indexOf('epoch');
    const xs = j.rows.map((r, i) => e >= 0 ? r[e] : i + 1);
    // The loss and its terms; a term that never changed (weight 0, or not used) is left out.
    const always = ['loss', 'corr', 'kl_latent'], terms = ['kl_seg_mean', 'kl_seg_std', 'kl_seg_prop', 'continuity', 'clash', 'l2'];
    for (const name of always.concat(terms).filter(n => j.columns.includes(n))) {
      const k = j.columns.indexOf(name), ys = j.rows.map(r => r[k]);
      if (!always.includes(name) && ys.every(y => y === ys[0])) continue;
      const c = document.createElement('canvas');
      c.dataset.metric = name;
      charts.appendChild(c);
      drawChart(c, xs, ys, name);
    }
  } catch (e) { status('metrics: ' + e.message, true); }
}

// ---------- particle images ----------

function drawImage(canvas, data, n, lo, hi) {
  canvas.width = n; canvas.height = n;
  const ctx = canvas.getContext('2d'), img = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const v = Math.max(0, Math.min(255, Math.round((data[i] - lo) / (hi - lo || 1) * 255)));
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v; img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

async function loadParticleImages(i) {
  try {
    const j = await (await api(`/api/particles/${i}/images`)).json();
    state.particleImages = j;
    // Observed and residual on one grey scale, so the residual reads against the image; the prediction on its own
    // (at low SNR it spans a small part of the noisy image's range and would look blank).
    const range = a => { let lo = Infinity, hi = -Infinity; for (const v of a) { if (v < lo) lo = v; if (v > hi) hi = v; } return [lo, hi]; };
    const [lo, hi] = range(j.observed), [plo, phi] = range(j.predicted);
    drawImage($('img-observed'), j.observed, j.size, lo, hi);
    drawImage($('img-predicted'), j.predicted, j.size, plo, phi);
    drawImage($('img-residual'), j.residual, j.size, lo, hi);
    $('particle-caption').textContent = `${i} · correlation ${j.correlation.toFixed(3)}`;
    $('particle-panel').dataset.particle = String(i);
  } catch (e) { status('particle: ' + e.message, true); }
}

// ---------- start ----------

async function main() {
  try {
    mark('script');
    // PC1/PC2 are what the page shows first: ask for them with the summary, not after it.
    const points = api('/api/points?x=0&y=1&max=30000').catch(() => null);
    const s = await (await api('/api/summary')).json();
    mark('summary');
    state.summary = s; state.n = s.particles;
    $('run-name').textContent = `${s.run} · ${s.checkpoint} · ${s.particles} particles`;
    for (const m of s.missing) $('notes').insertAdjacentHTML('beforeend', `<li></li>`), $('notes').lastChild.textContent = m;
    for (const sel of [$('pc-x'), $('pc-y'), $('traversal-pc')])
      for (let k = 0; k < s.latentDim; k++)
        sel.insertAdjacentHTML('beforeend', `<option value="${k}">PC${k + 1} (${(100 * s.explainedVarianceRatio[k]).toFixed(1)} %)</option>`);
    $('pc-y').value = String(Math.min(1, s.latentDim - 1));
    for (const c of s.colours) {
      const o = document.createElement('option'); o.value = c.name; o.textContent = c.name; $('colour-by').appendChild(o);
    }
    state.pcY = Math.min(1, s.latentDim - 1);
    const prefetched = await points;
    await loadPoints(state.pcY === 1 ? prefetched : null);
    if (!s.hasImages) $('particle-caption').textContent = '(particle images not available)';
    setupScatterEvents();
    $('pc-x').onchange = () => { state.pcX = Number($('pc-x').value); state.polygon = null; loadPoints(); $('slider-pc').textContent = `PC${state.pcX + 1}`; };
    $('pc-y').onchange = () => { state.pcY = Number($('pc-y').value); state.polygon = null; loadPoints(); };
    $('colour-by').onchange = () => loadColour($('colour-by').value).catch(e => status(e.message, true));
    $('export').onclick = exportSelection;
    $('play').onclick = playTraversal;
    $('stop').onclick = () => state.viewer.stopAnimate();
    $('pc-slider').oninput = onSlider;
    if (s.colours.some(c => c.name === 'k-means')) { $('colour-by').value = 'k-means'; await loadColour('k-means'); }
    await loadScript('vendor/3dmol/3Dmol-min.js');
    state.viewer = $3Dmol.createViewer($('viewer'), { backgroundColor: 'white' });
    await loadStructure('pcs=0', 'latent mean (PC origin)');
    await loadSegmentation();
    await loadMetrics();
    setInterval(loadMetrics, 2000);
    window.cryoView.ready = true;
    status('ready');
  } catch (e) {
    status(e.message, true);
  }
}

main();
