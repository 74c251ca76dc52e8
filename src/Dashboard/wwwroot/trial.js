'use strict';
(function () {
  const parts = location.pathname.split('/');
  const name = decodeURIComponent(parts[2]);
  const id = +parts[4];
  const url = '/api/experiments/' + encodeURIComponent(name) + '/trials/' + id;
  const state = { version: -1, reports: -1, trial: null };
  hpo.state = state;
  document.title = name + ' trial ' + id + ' - OrleansHpo';
  document.getElementById('crumb').append(hpo.el('span', {}, ' / '), hpo.el('a', { href: '/e/' + encodeURIComponent(name) }, name), hpo.el('span', {}, ' / trial ' + id));

  function kv(dl, pairs) {
    dl.replaceChildren();
    for (const [k, v] of pairs) {
      if (v === undefined) continue;
      dl.append(hpo.el('dt', {}, k), hpo.el('dd', { 'data-key': k }, v === null ? '-' : v));
    }
  }

  function bytes(n) {
    if (n === null || n === undefined) return '-';
    if (n < 1024) return n + ' B';
    if (n < 1048576) return (n / 1024).toFixed(1) + ' KiB';
    return (n / 1048576).toFixed(1) + ' MiB';
  }

  // Decisions with times: each report's decision at its tuner time; a pause followed by a later report was a promotion,
  // which started that run at (next report's tuner time - its worker time), st_worker_time counting from the run's start.
  function decisions(t) {
    const out = [];
    t.reports.forEach((r, i) => {
      out.push({ time: r.tuner_time, epoch: r.epoch, decision: r.decision + (r.retrained_epochs > 0 ? ' (after retraining ' + r.retrained_epochs + ' epochs from scratch)' : '') });
      const next = t.reports[i + 1];
      if (r.decision === 'PAUSE' && next) out.push({ time: next.tuner_time - next.worker_time, epoch: r.epoch, decision: 'PROMOTE (resumed from ' + t.resource_attr + ' ' + r.epoch + ')' });
    });
    return out.sort((a, b) => a.time - b.time);
  }

  async function load() {
    const t = await hpo.api(url);
    state.trial = t;
    state.reports = t.reports.length;
    const rt = t.runtime;
    document.getElementById('trial').textContent = id;
    hpo.badge(document.getElementById('status'), t.status);
    document.getElementById('subtitle').textContent = t.experiment + ' \u00b7 ' + t.resource_attr + ' ' + t.last_epoch + ' of ' + t.max_t + ' \u00b7 best ' + t.metric + ' ' + hpo.fmt(t.best) + (t.best_epoch ? ' at ' + t.resource_attr + ' ' + t.best_epoch : '');
    document.getElementById('resource').textContent = t.resource_attr;
    document.getElementById('decisions-resource').textContent = t.resource_attr;
    kv(document.getElementById('config'), Object.entries(t.config));
    const error = (rt && rt.error) || null;
    document.getElementById('error-card').hidden = !error;
    document.getElementById('error').textContent = error || '';
    const retrainedInReports = t.reports.reduce((s, r) => s + r.retrained_epochs, 0);
    kv(document.getElementById('runtime'), [
      ['silo', rt ? (rt.silo || 'not recorded (' + rt.source + ')') : 'not available'],
      ['runs (activations)', rt ? rt.activations : undefined],
      ['paused at', rt && rt.paused_at ? t.resource_attr + ' ' + rt.paused_at : undefined],
      ['stop reason', rt && rt.stop_reason ? rt.stop_reason : undefined],
      ['retrained epochs', rt ? rt.retrained_epochs : retrainedInReports],
      ['retrained from scratch', rt ? rt.retrained_from_scratch + ' runs' : undefined],
      ['state', rt ? rt.source : (t.runtime_problem || 'no runtime state for this trial')],
    ]);
    const cp = rt && rt.checkpoint;
    const files = t.checkpoint_files || [];
    const kept = cp ? (files.some(f => f.path === cp.location || f.path.endsWith(cp.location)) || files.length > 0 ? 'kept' : 'kept (store: ' + cp.location.split(':')[0] + ')') : (rt ? 'none: removed or never written' : (files.length ? 'kept' : 'none'));
    kv(document.getElementById('checkpoint'), [
      ['checkpoint', kept],
      ['location', cp ? cp.location : (files.length ? files[files.length - 1].path : undefined)],
      [t.resource_attr, cp ? cp.epoch : (files.length ? files[files.length - 1].epoch : undefined)],
      ['size', cp ? bytes(cp.bytes) : (files.length ? bytes(files[files.length - 1].bytes) : undefined)],
      ['sha256', cp ? cp.sha256 : undefined],
      ['files on disk', files.length ? files.map(f => t.resource_attr + ' ' + f.epoch + ': ' + bytes(f.bytes)).join(', ') : 'none'],
    ]);

    const dec = decisions(t);
    document.querySelector('#decisions tbody').replaceChildren(...dec.map(d => hpo.el('tr', {}, hpo.el('td', { class: 'num' }, hpo.fmt(d.time)), hpo.el('td', { class: 'num' }, d.epoch), hpo.el('td', {}, d.decision))));

    const metrics = [...new Set(t.reports.flatMap(r => Object.keys(r.metrics)))];
    const head = hpo.el('tr', {}, hpo.el('th', { class: 'num' }, t.resource_attr), ...metrics.map(m => hpo.el('th', { class: 'num' }, m)), hpo.el('th', {}, 'decision'), hpo.el('th', { class: 'num' }, 'tuner time (s)'), hpo.el('th', { class: 'num' }, 'worker time (s)'), hpo.el('th', { class: 'num' }, 'retrained'));
    document.querySelector('#reports thead').replaceChildren(head);
    document.querySelector('#reports tbody').replaceChildren(...t.reports.map(r => hpo.el('tr', { 'data-epoch': r.epoch },
      hpo.el('td', { class: 'num' }, r.epoch), ...metrics.map(m => hpo.el('td', { class: 'num' }, hpo.fmt(r.metrics[m]))), hpo.el('td', {}, r.decision),
      hpo.el('td', { class: 'num' }, hpo.fmt(r.tuner_time)), hpo.el('td', { class: 'num' }, hpo.fmt(r.worker_time)), hpo.el('td', { class: 'num' }, r.retrained_epochs))));

    const chart = hpo.chart('chart-trial');
    if (chart) {
      const series = metrics.map((m, i) => ({ name: m, type: 'line', yAxisIndex: m === t.metric ? 0 : 1, showSymbol: true, symbolSize: 5, color: hpo.palette[i % hpo.palette.length],
        lineStyle: { width: m === t.metric ? 2.5 : 1.2 }, data: t.reports.map(r => [r.epoch, r.metrics[m] ?? null]) }));
      const pauses = t.reports.filter(r => r.decision !== 'CONTINUE');
      series.push({ name: 'decisions', type: 'scatter', symbol: 'diamond', symbolSize: 11, color: '#111', data: pauses.map(r => ({ value: [r.epoch, r.metrics[t.metric] ?? null], decision: r.decision })),
        tooltip: { formatter: p => t.resource_attr + ' ' + p.value[0] + ': ' + p.data.decision } });
      chart.setOption({ animation: false, legend: { top: 0 }, grid: { left: 60, right: 60, top: 36, bottom: 48 }, toolbox: { right: 10, feature: { dataZoom: {}, restore: {} } },
        tooltip: { trigger: 'axis', valueFormatter: v => hpo.fmt(v) }, dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 4 }],
        xAxis: { type: 'value', name: t.resource_attr, min: 0, max: t.max_t || null, nameLocation: 'middle', nameGap: 24 },
        yAxis: [{ type: 'value', scale: true, name: t.metric }, { type: 'value', scale: true, splitLine: { show: false } }], series }, { notMerge: true });
    }
  }

  load().then(() => hpo.live(name, () => true, load)).catch(err => {
    document.querySelector('main').prepend(hpo.el('div', { class: 'notice' }, 'cannot load trial ' + id + ' of ' + name + ': ' + err.message));
  });
})();
