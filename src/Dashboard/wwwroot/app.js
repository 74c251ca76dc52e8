// Shared helpers for the OrleansHpo dashboard pages (no build step: plain browser JavaScript).
'use strict';
window.hpo = window.hpo || { charts: {}, updates: 0 };

hpo.actionKey = document.querySelector('meta[name="hpo-action-key"]').content;

hpo.api = async function (path, init) {
  const response = await fetch(path, Object.assign({ credentials: 'same-origin', cache: 'no-store' }, init || {}));
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { error: text }; }
  if (!response.ok) {
    const error = new Error((body && (body.error || body.message)) || response.statusText);
    error.status = response.status;
    error.body = body;
    throw error;
  }
  return body;
};

hpo.el = function (tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c === null || c === undefined ? '' : String(c)));
  return e;
};

hpo.fmt = function (v, digits) {
  if (v === null || v === undefined || (typeof v === 'number' && !isFinite(v))) return '-';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(digits || 3);
  return Number(v.toPrecision(digits || 5)).toString();
};

hpo.seconds = function (s) {
  if (s === null || s === undefined || !isFinite(s)) return '-';
  if (s < 120) return s.toFixed(1) + ' s';
  if (s < 7200) return (s / 60).toFixed(1) + ' min';
  return (s / 3600).toFixed(2) + ' h';
};

hpo.badge = function (el, status) {
  el.textContent = status;
  el.className = 'badge ' + status;
};

hpo.charting = function () {
  if (window.echarts) return true;
  const note = document.getElementById('nolib');
  if (note) note.hidden = false;
  return false;
};

hpo.chart = function (id) {
  if (!hpo.charting()) return null;
  if (hpo.charts[id]) return hpo.charts[id];
  const chart = echarts.init(document.getElementById(id), null, { renderer: 'canvas' });
  hpo.charts[id] = chart;
  return chart;
};
window.addEventListener('resize', () => Object.values(hpo.charts).forEach(c => c.resize()));

// Live updates: server-sent events say that something changed; the page refetches what it shows. One fetch at a
// time; changes that arrive during a fetch trigger exactly one more.
hpo.live = function (experiment, isStale, refresh) {
  const indicator = document.getElementById('live');
  let busy = false, again = false;
  async function run() {
    if (busy) { again = true; return; }
    busy = true;
    try { await refresh(); hpo.updates++; } catch (e) { console.error(e); }
    busy = false;
    if (again) { again = false; run(); }
  }
  const source = new EventSource('/api/events' + (experiment ? '?experiment=' + encodeURIComponent(experiment) : ''));
  source.addEventListener('update', (event) => {
    let data = {};
    try { data = JSON.parse(event.data); } catch (e) { /* keep {} */ }
    if (isStale(data)) run();
  });
  source.onopen = () => { if (indicator) { indicator.textContent = 'live'; indicator.className = 'live on'; } };
  source.onerror = () => { if (indicator) { indicator.textContent = 'reconnecting'; indicator.className = 'live'; } };
  hpo.source = source;
  return source;
};

hpo.palette = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc', '#2f4554'];
