'use strict';
(function () {
  const name = decodeURIComponent(location.pathname.split('/')[2]);
  const base = '/api/experiments/' + encodeURIComponent(name);
  const state = { exp: null, version: -1, reports: 0, curves: new Map(), sort: { key: 'best', dir: 1 }, filters: {}, limit: 200, chartsReady: false };
  hpo.state = state;
  document.title = name + ' - OrleansHpo';
  document.getElementById('crumb').append(hpo.el('span', {}, ' / ' + name));

  async function load() {
    const exp = await hpo.api(base);
    let from = state.reports;
    if (exp.reports < from) { state.curves.clear(); from = 0; }
    const r = await hpo.api(base + '/reports?from=' + from);
    if (r.from === 0) state.curves.clear();
    for (let i = 0; i < r.trial.length; i++) {
      let c = state.curves.get(r.trial[i]);
      if (!c) { c = { epoch: [], value: [], time: [], decision: [] }; state.curves.set(r.trial[i], c); }
      c.epoch.push(r.epoch[i]); c.value.push(r.value[i]); c.time.push(r.time[i]); c.decision.push(r.decision[i]);
    }
    state.reports = r.to;
    state.exp = exp;
    state.version = exp.version;
    render();
  }

  function render() {
    const e = state.exp;
    document.getElementById('source').textContent = e.spec && e.spec.trainable ? 'trainable ' + e.spec.trainable : '';
    document.getElementById('name').textContent = e.name;
    hpo.badge(document.getElementById('status'), e.status);
    const stop = document.getElementById('stop');
    stop.hidden = !(e.status === 'running' || e.status === 'stopping');
    const b = e.budget || {};
    const budget = [];
    if (b.max_wallclock_seconds) budget.push(hpo.seconds(e.elapsed_seconds) + ' of ' + hpo.seconds(b.max_wallclock_seconds));
    else budget.push(hpo.seconds(e.elapsed_seconds) + ' elapsed');
    if (b.max_trials_started) budget.push(e.trials.started + ' of ' + b.max_trials_started + ' trials started');
    if (b.max_trials_completed) budget.push(e.trials.completed + ' of ' + b.max_trials_completed + ' trials completed');
    document.getElementById('subtitle').textContent = [e.scheduler, 'searcher ' + e.searcher, e.n_workers + ' workers', e.metric + ' (' + e.mode + ')',
      budget.join(', ') + (b.used !== undefined && b.used !== null ? ' (' + Math.round(b.used * 100) + '% of budget)' : ''), e.simulated ? 'simulated time' : null]
      .filter(x => x).join(' \u00b7 ');
    const t = e.trials;
    const counts = document.getElementById('counts');
    counts.replaceChildren(...[['started', t.started], ['running', t.running], ['paused', t.paused], ['stopped', t.stopped], ['completed', t.completed], ['failed', t.failed], ['promotions', t.promotions], ['reports', e.reports]]
      .map(([k, v]) => hpo.el('span', { 'data-count': k }, k + ' ', hpo.el('b', {}, v))),
      hpo.el('span', {}, 'best ', hpo.el('b', {}, e.best ? hpo.fmt(e.best.value) : '-'), e.best ? hpo.el('span', {}, ' (', hpo.el('a', { href: '/e/' + encodeURIComponent(name) + '/t/' + e.best.trial_id }, 'trial ' + e.best.trial_id), ', ' + e.resource_attr + ' ' + e.best.epoch + ')') : ''));
    const reason = document.getElementById('reason');
    reason.replaceChildren();
    if (e.stop_reason) reason.append(hpo.el('div', { id: 'stop-reason' }, 'stop reason: ', hpo.el('b', {}, e.stop_reason)));
    if (e.error) reason.append(hpo.el('pre', { class: 'error' }, e.error));
    document.getElementById('metric-name').textContent = e.metric;
    document.getElementById('spec').textContent = JSON.stringify(e.spec, null, 2);
    renderCharts();
    renderTable();
  }

  // ---- charts ---------------------------------------------------------------------------------------------------
  function timeName() { return state.exp.simulated ? 'simulated time (s)' : 'wall-clock time (s)'; }

  function renderCharts() {
    if (!hpo.charting()) return;
    const e = state.exp;
    const zoom = [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }, { type: 'inside', yAxisIndex: 0, filterMode: 'none' }, { type: 'slider', xAxisIndex: 0, height: 16, bottom: 4, filterMode: 'none' }];
    const grid = { left: 58, right: 18, top: 34, bottom: 56 };
    const fresh = !state.chartsReady;
    const toolbox = { right: 10, feature: { dataZoom: { yAxisIndex: 'none' }, restore: {}, saveAsImage: { name: e.name } } };

    // Best so far.
    const best = hpo.chart('chart-best');
    const bs = e.best_so_far.time.map((x, i) => [x, e.best_so_far.value[i]]);
    const bestSeries = [{ name: 'best ' + e.metric, type: 'line', step: 'end', showSymbol: false, data: bs, lineStyle: { width: 2 } }];
    if (fresh) {
      best.setOption({ animation: false, grid, toolbox, dataZoom: zoom, tooltip: { trigger: 'axis', valueFormatter: v => hpo.fmt(v) },
        xAxis: { type: 'value', name: timeName(), nameLocation: 'middle', nameGap: 24 }, yAxis: { type: 'value', scale: true, name: e.metric }, series: bestSeries });
    } else best.setOption({ series: bestSeries });

    // Learning curves: one polyline per trial; the best trial in black on top.
    const curves = hpo.chart('chart-curves');
    const lines = [];
    const points = [];
    let bestLine = null;
    for (const [id, c] of state.curves) {
      const coords = [];
      for (let i = 0; i < c.epoch.length; i++) if (c.value[i] !== null) coords.push([c.epoch[i], c.value[i]]);
      const color = hpo.palette[id % hpo.palette.length];
      for (const p of coords) points.push({ value: p, trial: id, itemStyle: { color } });
      if (coords.length === 0) continue;
      if (coords.length === 1) coords.push(coords[0]);
      const item = { trial: id, coords, lineStyle: { color } };
      lines.push(item);
      if (e.best && e.best.trial_id === id) bestLine = { trial: id, coords, lineStyle: { color: '#000', width: 2.5, opacity: 1 } };
    }
    document.getElementById('curves-note').textContent = '(' + lines.length + ' trials)';
    const curveSeries = [{ id: 'curves', name: 'trials', type: 'lines', coordinateSystem: 'cartesian2d', polyline: true, large: lines.length > 3000, data: lines,
      lineStyle: { width: 1.2, opacity: lines.length > 500 ? 0.35 : 0.75 }, emphasis: { focus: 'self', lineStyle: { width: 3, opacity: 1 } } },
      { id: 'best', name: 'best trial', type: 'lines', coordinateSystem: 'cartesian2d', polyline: true, data: bestLine ? [bestLine] : [], z: 5 },
      // Every report as a dot, so trials with a single report (stopped or paused at the first rung) show too.
      { id: 'points', name: 'reports', type: 'scatter', symbolSize: lines.length > 100 ? 2.5 : 6, large: points.length > 5000, data: points, itemStyle: { opacity: 0.7 } }];
    if (fresh) {
      curves.setOption({ animation: false, grid, toolbox, dataZoom: zoom,
        tooltip: { trigger: 'item', confine: true, formatter: p => trialTooltip(p.data && p.data.trial) },
        xAxis: { type: 'value', name: e.resource_attr, nameLocation: 'middle', nameGap: 24, min: 0, max: e.max_t || null },
        yAxis: { type: 'value', scale: true, name: e.metric }, series: curveSeries });
      curves.on('click', p => { if (p.data && p.data.trial !== undefined) location.href = '/e/' + encodeURIComponent(name) + '/t/' + p.data.trial; });
    } else curves.setOption({ series: curveSeries });

    // Rung occupancy (solid) and trials gone on past each rung (dashed).
    const rungs = hpo.chart('chart-rungs');
    const rungSeries = [];
    e.rungs.forEach((r, i) => {
      const color = hpo.palette[i % hpo.palette.length];
      rungSeries.push({ name: r.max_t ? e.resource_attr + ' ' + r.level + ' (max_t): completed' : 'at rung ' + r.level, type: 'line', step: 'end', showSymbol: false, color,
        data: r.occupancy.time.map((x, j) => [x, r.occupancy.count[j]]) });
      if (!r.max_t) rungSeries.push({ name: 'went on past ' + r.level, type: 'line', step: 'end', showSymbol: false, color, lineStyle: { type: 'dashed' },
        data: r.went_on.time.map((x, j) => [x, r.went_on.count[j]]) });
    });
    if (fresh) {
      rungs.setOption({ animation: false, grid: Object.assign({}, grid, { top: 62 }), toolbox: Object.assign({}, toolbox, { top: 28 }), dataZoom: zoom, legend: { type: 'scroll', top: 0, left: 0, right: 0 },
        tooltip: { trigger: 'axis' }, xAxis: { type: 'value', name: timeName(), nameLocation: 'middle', nameGap: 24 }, yAxis: { type: 'value', name: 'trials', minInterval: 1 }, series: rungSeries });
    } else rungs.setOption({ series: rungSeries }, { replaceMerge: ['series'] });

    // Parallel coordinates: every hyperparameter that varies, then the trial's best metric.
    const parallel = hpo.chart('chart-parallel');
    const config = e.table.config || {};
    const names = Object.keys(config).filter(k => new Set(config[k]).size > 1);
    const space = (e.spec && e.spec.config_space) || {};
    const axes = names.map((k, i) => {
      const domain = space[k] || {};
      const numeric = typeof config[k][0] === 'number';
      if (!numeric) return { dim: i, name: k, type: 'category', data: [...new Set(config[k])].sort() };
      return { dim: i, name: k, type: (domain.type === 'loguniform' || domain.log === true) ? 'log' : 'value', scale: true };
    });
    axes.push({ dim: names.length, name: e.metric, type: 'value', scale: true, nameTextStyle: { fontWeight: 'bold' } });
    const rows = [];
    for (let i = 0; i < e.table.count; i++) {
      const v = e.table.best[i];
      if (v === null) continue;
      const row = names.map(k => config[k][i]);
      row.push(v);
      row.trial = e.table.trial_id[i];
      rows.push(row);
    }
    const finite = rows.map(r => r[r.length - 1]);
    const lo = Math.min(...finite), hi = Math.max(...finite);
    const parallelOption = {
      animation: false,
      parallel: { left: 50, right: 120, top: 40, bottom: 24, parallelAxisDefault: { nameLocation: 'end', nameGap: 12, axisLabel: { formatter: v => typeof v === 'number' ? hpo.fmt(v, 2) : v } } },
      parallelAxis: axes,
      visualMap: { show: true, dimension: names.length, min: isFinite(lo) ? lo : 0, max: isFinite(hi) && hi > lo ? hi : lo + 1, right: 4, top: 'middle', itemHeight: 120, precision: 3,
        inRange: { color: e.mode === 'min' ? ['#1a9850', '#fee08b', '#d73027'] : ['#d73027', '#fee08b', '#1a9850'] }, text: ['', ''], calculable: true },
      tooltip: { trigger: 'item', confine: true, formatter: p => trialTooltip(p.data && p.data.trial !== undefined ? p.data.trial : (p.value && p.value.trial)) },
      series: [{ id: 'trials', type: 'parallel', lineStyle: { width: 1, opacity: rows.length > 500 ? 0.3 : 0.7 }, emphasis: { lineStyle: { width: 3, opacity: 1 } },
        progressive: 2000, data: rows.map(r => ({ value: r, trial: r.trial })) }],
    };
    parallel.setOption(parallelOption, { notMerge: true });
    state.chartsReady = true;
  }

  function trialTooltip(id) {
    if (id === undefined || id === null) return '';
    const e = state.exp;
    const i = e.table.trial_id.indexOf(id);
    const lines = ['<b>trial ' + id + '</b>' + (i >= 0 ? ' \u00b7 ' + e.table.status[i] + ' \u00b7 best ' + hpo.fmt(e.table.best[i]) : '')];
    if (i >= 0) for (const [k, col] of Object.entries(e.table.config)) lines.push(escapeHtml(k) + ' = ' + escapeHtml(hpo.fmt(col[i])));
    const c = state.curves.get(id);
    if (c) {
      const d = [];
      for (let j = 0; j < c.epoch.length; j++) if (c.decision[j] !== 'CONTINUE' || j === c.epoch.length - 1) d.push(c.epoch[j] + ': ' + c.decision[j]);
      lines.push('decisions: ' + escapeHtml(d.join(', ')));
    }
    return lines.join('<br>');
  }

  function escapeHtml(s) { return String(s).replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch])); }

  // ---- trial table ----------------------------------------------------------------------------------------------
  function columns() {
    const e = state.exp;
    const cols = [
      { key: 'trial_id', label: 'trial', num: true, get: i => e.table.trial_id[i] },
      { key: 'status', label: 'status', get: i => e.table.status[i], choices: ['running', 'paused', 'stopped', 'completed'] },
      { key: 'rung', label: 'rung', num: true, get: i => e.table.rung[i], choices: e.rung_levels.map(String) },
      { key: 'epoch', label: e.resource_attr, num: true, get: i => e.table.epoch[i] },
      { key: 'best', label: 'best ' + e.metric, num: true, get: i => e.table.best[i] },
      { key: 'last', label: 'last ' + e.metric, num: true, get: i => e.table.last[i] },
    ];
    for (const [k, col] of Object.entries(e.table.config)) cols.push({ key: 'config.' + k, label: k, num: typeof col[0] === 'number', get: i => col[i] });
    cols.push({ key: 'first_time', label: 'started (s)', num: true, get: i => e.table.first_time[i] });
    cols.push({ key: 'last_time', label: 'last report (s)', num: true, get: i => e.table.last_time[i] });
    cols.push({ key: 'retrained_epochs', label: 'retrained', num: true, get: i => e.table.retrained_epochs[i] });
    return cols;
  }

  // Numeric filters: "<0.1", ">=3", "1..5", "=3" or a number; text filters: a substring (case-insensitive).
  function matcher(text, num) {
    text = (text || '').trim();
    if (!text) return null;
    if (num) {
      let m = text.match(/^(-?[\d.eE+-]+)\s*\.\.\s*(-?[\d.eE+-]+)$/);
      if (m) { const a = +m[1], b = +m[2]; return v => v !== null && v >= a && v <= b; }
      m = text.match(/^(<=|>=|<|>|=)?\s*(-?[\d.eE+-]+)$/);
      if (m) {
        const x = +m[2];
        switch (m[1]) { case '<': return v => v !== null && v < x; case '<=': return v => v !== null && v <= x; case '>': return v => v !== null && v > x;
          case '>=': return v => v !== null && v >= x; default: return v => v !== null && v === x; }
      }
    }
    const needle = text.toLowerCase();
    return v => v !== null && String(v).toLowerCase().includes(needle);
  }

  function renderTable() {
    const e = state.exp;
    const cols = columns();
    const table = document.getElementById('trials');
    const thead = table.tHead;
    if (!thead.dataset.built || thead.dataset.built !== cols.map(c => c.key).join('|')) {
      thead.replaceChildren();
      const head = hpo.el('tr', {});
      const filters = hpo.el('tr', { class: 'filters' });
      for (const c of cols) {
        const th = hpo.el('th', { class: 'sortable' + (c.num ? ' num' : ''), 'data-key': c.key }, c.label);
        th.addEventListener('click', () => {
          state.sort = { key: c.key, dir: state.sort.key === c.key ? -state.sort.dir : 1 };
          renderTable();
        });
        head.append(th);
        let input;
        if (c.choices) {
          input = hpo.el('select', { 'data-filter': c.key }, hpo.el('option', { value: '' }, 'all'), ...c.choices.map(x => hpo.el('option', { value: x }, x)));
          input.addEventListener('change', () => { state.filters[c.key] = input.value ? '=' + input.value : ''; if (!c.num) state.filters[c.key] = input.value; renderTable(); });
        } else {
          input = hpo.el('input', { 'data-filter': c.key, placeholder: c.num ? '<, >, a..b' : 'contains' });
          input.addEventListener('input', () => { state.filters[c.key] = input.value; renderTable(); });
        }
        filters.append(hpo.el('th', {}, input));
      }
      thead.append(head, filters);
      thead.dataset.built = cols.map(c => c.key).join('|');
    }
    for (const th of thead.rows[0].cells) {
      th.classList.toggle('sorted-asc', th.dataset.key === state.sort.key && state.sort.dir === 1);
      th.classList.toggle('sorted-desc', th.dataset.key === state.sort.key && state.sort.dir === -1);
    }
    const tests = cols.map(c => {
      let f = state.filters[c.key];
      if (c.choices && !c.num && f) return v => v === f;
      return matcher(f, c.num);
    });
    let idx = [];
    for (let i = 0; i < e.table.count; i++) {
      let ok = true;
      for (let j = 0; j < cols.length && ok; j++) if (tests[j]) ok = tests[j](cols[j].get(i));
      if (ok) idx.push(i);
    }
    const sc = cols.find(c => c.key === state.sort.key) || cols[0];
    const dir = state.sort.key === 'best' && e.mode === 'max' ? -state.sort.dir : state.sort.dir;
    idx.sort((a, b) => {
      const x = sc.get(a), y = sc.get(b);
      if (x === null || x === undefined) return (y === null || y === undefined) ? 0 : 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * dir || (e.table.trial_id[a] - e.table.trial_id[b]);
    });
    const shown = idx.slice(0, state.limit);
    const tbody = table.tBodies[0];
    tbody.replaceChildren(...shown.map(i => {
      const id = e.table.trial_id[i];
      const tr = hpo.el('tr', { 'data-trial': id });
      for (const c of cols) {
        const v = c.get(i);
        let cell;
        if (c.key === 'trial_id') cell = hpo.el('a', { href: '/e/' + encodeURIComponent(name) + '/t/' + id }, id);
        else if (c.key === 'status') { cell = hpo.el('span', {}); hpo.badge(cell, v); }
        else cell = c.num ? hpo.fmt(v) : (v === null ? '-' : v);
        tr.append(hpo.el('td', { class: c.num ? 'num' : null, 'data-col': c.key, 'data-value': v === null || v === undefined ? null : String(v) }, cell));
      }
      return tr;
    }));
    document.getElementById('table-note').textContent = '(' + idx.length + (idx.length !== e.table.count ? ' of ' + e.table.count : '') + ' trials' + (idx.length > shown.length ? ', first ' + shown.length + ' shown' : '') + ')';
    const more = document.getElementById('more');
    more.hidden = idx.length <= shown.length;
  }
  document.getElementById('more').addEventListener('click', () => { state.limit += 500; renderTable(); });

  // ---- stop ---------------------------------------------------------------------------------------------------
  document.getElementById('stop').addEventListener('click', async () => {
    if (!confirm('Stop ' + name + '? Running trials stop and the status is recorded; hpo resume continues it later.')) return;
    const button = document.getElementById('stop');
    button.disabled = true;
    button.textContent = 'stopping\u2026';
    try {
      await hpo.api(base + '/stop', { method: 'POST', headers: { 'X-Hpo-Token': hpo.actionKey, 'Content-Type': 'application/json' }, body: JSON.stringify({ reason: 'stopped from the dashboard' }) });
    } catch (err) {
      alert('stop failed: ' + err.message);
      button.disabled = false;
      button.textContent = 'Stop';
    }
  });

  load().then(() => hpo.live(name, d => d.version !== state.version || d.reports !== state.reports, load)).catch(err => {
    document.querySelector('main').prepend(hpo.el('div', { class: 'notice' }, 'cannot load ' + name + ': ' + err.message));
  });
})();
