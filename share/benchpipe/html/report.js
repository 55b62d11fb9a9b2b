/* report.js - sortable tables and a filter bar for a bench-fmt report;
 * bench-fmt inlines it, and its Content-Security-Policy allows only it.
 * Progressive: without it every table is complete.  With it, a header
 * sorts its table (numbers by value, empty cells last) and a bar filters
 * the rows of every filterable table by model, backend, host and text. */
(function () {
	'use strict';

	var facets = [['model', 'Model'], ['backend', 'Backend'], ['host', 'Host']];

	function each(list, fn) {
		Array.prototype.forEach.call(list, fn);
	}

	function sortBy(table, col, th) {
		var asc = th.getAttribute('aria-sort') !== 'ascending';
		var body = table.tBodies[0];
		var keyed = [];
		var numeric = false;

		each(th.parentNode.cells, function (c) {
			c.removeAttribute('aria-sort');
		});
		th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
		each(body.rows, function (row, i) {
			var cell = row.cells[col];
			var s = cell ? cell.getAttribute('data-sort') : null;
			var n = s === null ? NaN : parseFloat(s);

			numeric = numeric || !isNaN(n);
			keyed.push({ row: row, i: i, n: n,
				t: cell ? cell.textContent.trim() : '' });
		});
		keyed.sort(function (a, b) {
			var d;

			if (numeric) {
				if (isNaN(a.n) || isNaN(b.n))
					return isNaN(a.n) - isNaN(b.n) || a.i - b.i;
				d = a.n - b.n;
			} else {
				d = a.t.localeCompare(b.t, undefined, { numeric: true });
			}
			return (asc ? d : -d) || a.i - b.i;
		});
		each(keyed, function (k) {
			body.appendChild(k.row);
		});
	}

	function sortable(table) {
		if (!table.tHead || !table.tBodies.length)
			return;
		each(table.tHead.rows[0].cells, function (th, col) {
			var b;

			if (th.tagName !== 'TH')
				return;
			b = document.createElement('button');
			b.type = 'button';
			b.className = 'sort';
			b.title = 'Sort by this column';
			while (th.firstChild)
				b.appendChild(th.firstChild);
			th.appendChild(b);
			b.addEventListener('click', function () {
				sortBy(table, col, th);
			});
		});
	}

	function option(select, value, text) {
		var o = document.createElement('option');

		o.value = value;
		o.textContent = text;
		select.appendChild(o);
	}

	function filterBar() {
		var rows = document.querySelectorAll('table.filter tbody tr');
		var main = document.querySelector('main');
		var bar, count, search, selects = {};

		if (!rows.length || !main)
			return;
		bar = document.createElement('div');
		bar.className = 'filters';
		bar.setAttribute('role', 'search');
		bar.setAttribute('aria-label', 'Filter the tables');
		each(facets, function (f) {
			var seen = {}, values = [], label, select;

			each(rows, function (row) {
				var v = row.getAttribute('data-' + f[0]);

				if (v !== null && !seen[v]) {
					seen[v] = true;
					values.push(v);
				}
			});
			if (values.length < 2)
				return;
			values.sort(function (a, b) {
				return a.localeCompare(b, undefined, { numeric: true });
			});
			label = document.createElement('label');
			label.appendChild(document.createTextNode(f[1]));
			select = document.createElement('select');
			option(select, '', 'all');
			each(values, function (v) {
				option(select, v, v);
			});
			select.addEventListener('change', apply);
			label.appendChild(select);
			bar.appendChild(label);
			selects[f[0]] = select;
		});
		search = document.createElement('input');
		search.type = 'search';
		search.placeholder = 'any text';
		search.addEventListener('input', apply);
		var sl = document.createElement('label');
		sl.appendChild(document.createTextNode('Search'));
		sl.appendChild(search);
		bar.appendChild(sl);
		count = document.createElement('span');
		count.className = 'count';
		count.setAttribute('aria-live', 'polite');
		bar.appendChild(count);
		main.insertBefore(bar, main.firstChild);

		function apply() {
			var q = search.value.trim().toLowerCase();
			var shown = 0;

			each(rows, function (row) {
				var ok = q === '' ||
					row.textContent.toLowerCase().indexOf(q) >= 0;

				each(facets, function (f) {
					var s = selects[f[0]];
					var v = row.getAttribute('data-' + f[0]);

					if (s && s.value !== '' && v !== null && v !== s.value)
						ok = false;
				});
				row.hidden = !ok;
				shown += ok;
			});
			each(document.querySelectorAll('table.filter'), function (t) {
				var any = t.querySelector('tbody tr:not([hidden])');

				t.parentNode.hidden = !any;
			});
			each(document.querySelectorAll('.sub'), function (sub) {
				var tables = sub.querySelectorAll('table.filter');
				var visible = sub.querySelector('table.filter tbody tr:not([hidden])');

				sub.hidden = tables.length > 0 && !visible;
			});
			count.textContent = shown === rows.length ?
				rows.length + ' rows' :
				'showing ' + shown + ' of ' + rows.length + ' rows';
		}
		apply();
	}

	each(document.querySelectorAll('table.sortable'), sortable);
	filterBar();
	window.addEventListener('beforeprint', function () {
		each(document.querySelectorAll('details'), function (d) {
			d.open = true;
		});
	});
}());
