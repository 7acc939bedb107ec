import { useId } from 'react';
import type { SeriesPoint } from '../../api/campaigns';

type Metric = Exclude<keyof SeriesPoint, 'day'>;

const METRICS: { key: Metric; label: string; className: string }[] = [
  { key: 'sent', label: 'Sent', className: 'series-sent' },
  { key: 'opened', label: 'Opened', className: 'series-opened' },
  { key: 'clicked', label: 'Clicked', className: 'series-clicked' },
  { key: 'replied', label: 'Replied', className: 'series-replied' },
  { key: 'bounced', label: 'Bounced', className: 'series-bounced' },
];

const WIDTH = 960;
const HEIGHT = 260;
const PAD = { top: 12, right: 12, bottom: 28, left: 40 };
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** "2024-05-03" → "May 3": the server's days are already in the campaign's zone. */
const dayLabel = (day: string) => {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : dayFormat.format(date);
};

/** A rounded-up axis maximum with four even steps (0, 5, 10 … or 0, 250, 500 …). */
function niceMax(value: number): number {
  if (value <= 4) return 4;
  const rough = value / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
  return step * 4;
}

/** Every calendar day from the first to the last, so quiet days show as zero rather than being skipped. */
function fillDays(series: SeriesPoint[]): SeriesPoint[] {
  if (series.length < 2) return series;
  const byDay = new Map(series.map((p) => [p.day, p]));
  const out: SeriesPoint[] = [];
  const end = Date.parse(`${series[series.length - 1]!.day}T00:00:00Z`);
  for (let t = Date.parse(`${series[0]!.day}T00:00:00Z`); t <= end && out.length < 400; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) ?? { day, sent: 0, opened: 0, clicked: 0, replied: 0, bounced: 0 });
  }
  return out;
}

/** Daily sends and engagement as lines; a table with the same numbers is there for screen readers. */
export function SeriesChart({ series }: { series: SeriesPoint[] }) {
  const titleId = useId();
  const points = fillDays([...series].sort((a, b) => a.day.localeCompare(b.day)));
  if (points.length === 0) return <p className="muted small chart-empty">Daily numbers appear here once the first emails go out.</p>;

  const max = niceMax(Math.max(...points.flatMap((p) => METRICS.map((m) => p[m.key]))));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length === 1 ? innerW / 2 : (i / (points.length - 1)) * innerW);
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const labelEvery = Math.max(1, Math.ceil(points.length / 7));

  return (
    <figure className="series-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId} className="series-svg">
        <title id={titleId}>Sent, opened, clicked, replied and bounced per day</title>
        {[0, 1, 2, 3, 4].map((i) => {
          const value = (max / 4) * i;
          return (
            <g key={i} className="chart-grid">
              <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(value)} y2={y(value)} />
              <text x={PAD.left - 6} y={y(value)} dy="0.32em" textAnchor="end">
                {Number.isInteger(value) ? value.toLocaleString() : value.toFixed(1)}
              </text>
            </g>
          );
        })}
        {points.map((p, i) =>
          i % labelEvery === 0 || i === points.length - 1 ? (
            <text key={p.day} className="chart-axis-label" x={x(i)} y={HEIGHT - 8} textAnchor="middle">
              {dayLabel(p.day)}
            </text>
          ) : null,
        )}
        {METRICS.map((metric) => (
          <g key={metric.key} className={`chart-series ${metric.className}`}>
            {points.length > 1 && <polyline fill="none" points={points.map((p, i) => `${x(i)},${y(p[metric.key])}`).join(' ')} />}
            {points.map((p, i) => (
              <circle key={p.day} cx={x(i)} cy={y(p[metric.key])} r={points.length > 31 ? 0 : 3}>
                <title>{`${dayLabel(p.day)}: ${p[metric.key].toLocaleString()} ${metric.label.toLowerCase()}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <figcaption className="chart-legend">
        {METRICS.map((metric) => (
          <span key={metric.key} className={`chart-legend-item ${metric.className}`}>
            <span className="chart-swatch" aria-hidden="true" />
            {metric.label}
          </span>
        ))}
      </figcaption>
      <table className="visually-hidden">
        <caption>Per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {METRICS.map((m) => (
              <th key={m.key} scope="col">
                {m.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.day}>
              <th scope="row">{dayLabel(p.day)}</th>
              {METRICS.map((m) => (
                <td key={m.key}>{p[m.key]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
