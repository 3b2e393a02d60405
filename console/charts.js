// Small bar charts as inline SVG: no library, no network, readable by screen readers (a <title>, a <desc> and a
// data table next to each chart).

const SVG = 'http://www.w3.org/2000/svg';

function el(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  Object.entries(attributes).forEach(([k, v]) => node.setAttribute(k, String(v)));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Horizontal bars, one per item: [{label, value, note}]. `format` renders a value. Returns a <figure> with the chart
 * and a caption.
 */
export function barChart(title, items, format = String) {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  figure.append(caption);
  if (!items.length) {
    const empty = document.createElement('p');
    empty.className = 'muted';
    empty.textContent = 'No calls in this period.';
    figure.append(empty);
    return figure;
  }
  const row = 26;
  const width = 320;
  const labelWidth = 110;
  const max = Math.max(...items.map((i) => i.value), 0) || 1;
  const svg = el('svg', { viewBox: `0 0 ${width} ${items.length * row}`, role: 'img', class: 'bars' });
  svg.append(el('title', {}, title));
  svg.append(el('desc', {}, items.map((i) => `${i.label}: ${format(i.value)}`).join('; ')));
  items.forEach((item, index) => {
    const y = index * row;
    const barWidth = Math.max(2, ((width - labelWidth - 70) * item.value) / max);
    svg.append(el('text', { x: 0, y: y + 17, class: 'bar-label' }, item.label.length > 16 ? item.label.slice(0, 15) + '…' : item.label));
    svg.append(el('rect', { x: labelWidth, y: y + 5, width: barWidth, height: 16, rx: 3, class: 'bar ' + (item.kind || '') }));
    svg.append(el('text', { x: labelWidth + barWidth + 6, y: y + 17, class: 'bar-value' }, format(item.value)));
  });
  figure.append(svg);
  return figure;
}
