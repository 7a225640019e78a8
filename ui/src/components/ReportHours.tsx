import type { HourView } from "../api";

const W = 720;
const PLOT_H = 140;
const LABEL_H = 18;
const SLOT = W / 24;
const BAR = SLOT - 8;

const hh = (hour: number) => String(hour).padStart(2, "0");

function title(hour: number, h: HourView | undefined): string {
  if (!h || h.count === 0) return `${hh(hour)}:00 — no sales`;
  return `${hh(hour)}:00 — ${h.gross.display} (${h.count} ${h.count === 1 ? "sale" : "sales"})`;
}

/**
 * Gross captured per hour as 24 bars. Heights scale `gross.minor` to the busiest hour: that
 * is drawing, not arithmetic on money; every amount a person reads is the core's `display`.
 * Hand-written SVG because one small chart does not justify a charting library.
 */
export function ReportHours({ hours }: { hours: HourView[] }) {
  const byHour = new Map(hours.map((h) => [h.hour, h]));
  const peak = hours.reduce<HourView | undefined>((best, h) => (!best || h.gross.minor > best.gross.minor ? h : best), undefined);
  const max = peak?.gross.minor ?? 0;
  return (
    <figure className="report-hours">
      <figcaption>
        Gross by hour
        {peak && max > 0 && (
          <span className="muted-text">
            {" "}
            · busiest {hh(peak.hour)}:00, {peak.gross.display}
          </span>
        )}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${PLOT_H + LABEL_H}`} role="img" aria-label="Gross by hour" data-testid="report-hours">
        <line className="axis" x1={0} x2={W} y1={PLOT_H + 0.5} y2={PLOT_H + 0.5} />
        {Array.from({ length: 24 }, (_, hour) => {
          const h = byHour.get(hour);
          const minor = h?.gross.minor ?? 0;
          const height = max > 0 ? (minor / max) * (PLOT_H - 4) : 0;
          const x = hour * SLOT;
          return (
            <g key={hour} className="hour" data-testid="report-hour-bar" data-hour={hour} data-count={h?.count ?? 0}>
              <title>{title(hour, h)}</title>
              {/* The whole column answers the pointer, so an empty hour still has its tooltip. */}
              <rect className="hit" x={x} y={0} width={SLOT} height={PLOT_H} />
              <rect className="bar" x={x + (SLOT - BAR) / 2} y={PLOT_H - height} width={BAR} height={height} rx={2} />
              {hour % 3 === 0 && (
                <text className="tick" x={x + SLOT / 2} y={PLOT_H + LABEL_H - 4} textAnchor="middle">
                  {hh(hour)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
