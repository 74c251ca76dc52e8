'use strict';
(function () {
  const body = document.querySelector('#experiments tbody');
  let listVersion = -1;
  async function load() {
    const data = await hpo.api('/api/experiments');
    listVersion = data.list_version;
    document.getElementById('source').textContent = data.source || data.results_dir;
    body.replaceChildren();
    for (const e of data.experiments) {
      const t = e.trials || {};
      const used = e.budget && e.budget.used !== undefined && e.budget.used !== null ? e.budget.used : null;
      const bar = hpo.el('span', { class: 'bar', style: 'width:60px', title: used === null ? 'no budget' : Math.round(used * 100) + '%' }, hpo.el('i', { style: 'width:' + Math.round((used || 0) * 100) + '%' }));
      const status = hpo.el('span', {});
      hpo.badge(status, e.status);
      body.append(hpo.el('tr', { 'data-name': e.name },
        hpo.el('td', {}, hpo.el('a', { href: '/e/' + encodeURIComponent(e.name) }, e.name), e.simulated ? hpo.el('span', { class: 'muted' }, ' (simulated)') : ''),
        hpo.el('td', {}, status),
        hpo.el('td', {}, e.scheduler || '-'),
        hpo.el('td', {}, e.searcher || '-'),
        hpo.el('td', { class: 'num' }, t.started ?? '-'),
        hpo.el('td', { class: 'num' }, t.running ?? '-'),
        hpo.el('td', { class: 'num' }, t.paused ?? '-'),
        hpo.el('td', { class: 'num' }, t.stopped ?? '-'),
        hpo.el('td', { class: 'num' }, t.completed ?? '-'),
        hpo.el('td', { class: 'num' }, t.failed ?? '-'),
        hpo.el('td', { class: 'num', title: e.metric ? e.metric + ' (' + e.mode + ')' : '' }, e.best ? hpo.fmt(e.best.value) + ' ' + e.metric : '-'),
        hpo.el('td', { class: 'num' }, hpo.seconds(e.elapsed_seconds) + (e.simulated ? '*' : '')),
        hpo.el('td', {}, bar, used === null ? '' : ' ' + Math.round(used * 100) + '%'),
        hpo.el('td', { class: 'muted wrap' }, e.stop_reason || '')));
    }
    const empty = document.getElementById('empty');
    empty.hidden = data.experiments.length > 0;
    empty.textContent = 'No experiments in ' + data.results_dir + ' yet: start one with hpo run SPEC --results-dir ' + data.results_dir;
  }
  load().then(() => hpo.live(null, d => d.list_version !== listVersion, load));
})();
