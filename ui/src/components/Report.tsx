import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError, type DailyReport, type ExportResult } from "../api";
import { formatDay, isTyping, localDate, shiftDate } from "../format";
import "../history.css";
import { ReportCurrency } from "./ReportCurrency";
import { StatusBadge } from "./StatusBadge";

/** End of day: one business day's totals per currency, counts, and the CSV export. */
export function Report({ initialDate }: { initialDate?: string }) {
  const [today] = useState(() => localDate());
  const [date, setDate] = useState(initialDate ?? today);
  const [report, setReport] = useState<DailyReport | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<ExportResult>(null);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setError(null);
    api.reportDaily(date).then(
      (r) => {
        if (cancelled) return;
        setReport(r);
        setLoading(false);
      },
      (err: unknown) => {
        if (cancelled) return;
        setReport(null);
        setError(ApiError.from(err));
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [date]);

  const go = useCallback((d: string) => {
    setDate(d);
    setExported(null);
    setExportError(null);
  }, []);

  // Left/Right page through days unless a field has the keys (the date input uses them).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
      e.preventDefault();
      setDate((d) => {
        const n = shiftDate(d, e.key === "ArrowLeft" ? -1 : 1);
        return e.key === "ArrowRight" && n > today ? d : n;
      });
      setExported(null);
      setExportError(null);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [today]);

  // Keyboard-first: land on the report so the arrows work at once.
  useEffect(() => rootRef.current?.focus(), []);

  const exportCsv = async () => {
    if (exporting) return;
    setExporting(true);
    setExported(null);
    setExportError(null);
    try {
      setExported(await api.reportExportCsv(date));
    } catch (err) {
      setExportError(ApiError.from(err));
    } finally {
      setExporting(false);
    }
  };

  // While the next day loads, the last one stays on screen, dimmed, rather than flashing empty.
  const shown = report;
  const empty = shown !== null && shown.currencies.length === 0;

  return (
    <div className="report" ref={rootRef} tabIndex={-1} data-testid="report" aria-busy={loading}>
      <div className="card report-head">
        <div className="report-title">
          <h2>Daily report</h2>
          <span className="muted-text">{formatDay(date)}</span>
        </div>
        <div className="report-day" role="group" aria-label="Day">
          <button type="button" className="btn" data-testid="report-prev" onClick={() => go(shiftDate(date, -1))} title="Previous day (←)">
            ← <span className="sr-only">Previous day</span>
          </button>
          <input
            type="date"
            data-testid="report-date"
            aria-label="Business day"
            value={date}
            max={today}
            onChange={(e) => e.target.value && go(e.target.value)}
          />
          <button
            type="button"
            className="btn"
            data-testid="report-next"
            onClick={() => go(shiftDate(date, 1))}
            disabled={date >= today}
            title="Next day (→)"
          >
            → <span className="sr-only">Next day</span>
          </button>
          <button type="button" className="btn" data-testid="report-today" onClick={() => go(today)} disabled={date === today}>
            Today
          </button>
        </div>
        <button type="button" className="btn btn-primary" data-testid="report-export" onClick={() => void exportCsv()} disabled={exporting}>
          {exporting ? "Exporting…" : "Export CSV…"}
        </button>
      </div>
      {exported && (
        <p className="report-note" role="status" data-testid="report-export-result">
          Saved {exported.rows} {exported.rows === 1 ? "order" : "orders"} to {exported.path}
        </p>
      )}
      {exportError && (
        <p className="inline-error" role="alert" data-testid="report-export-error">
          {exportError.message}
        </p>
      )}
      {error && (
        <p className="inline-error" role="alert" data-testid="report-error">
          {error.message}
        </p>
      )}
      {!shown && loading && <p className="muted-text">Loading…</p>}
      {shown && (
        <div className={`report-body${loading ? " stale" : ""}`}>
          <div className="report-main">
            {empty ? (
              <div className="empty" data-testid="report-empty">
                No sales on this day.
              </div>
            ) : (
              shown.currencies.map((c) => <ReportCurrency key={c.currency} report={c} />)
            )}
          </div>
          <aside className="card report-side" aria-label="Orders by status">
            <h3>
              Orders <span className="muted-text" data-testid="report-orders">{shown.orders}</span>
            </h3>
            {shown.byStatus.length === 0 ? (
              <p className="muted-text">No orders.</p>
            ) : (
              <table className="report-table">
                <tbody>
                  {shown.byStatus.map((s) => (
                    <tr key={s.key} data-testid="report-status-count" data-status={s.key}>
                      <td>
                        <StatusBadge status={s.key} />
                      </td>
                      <td className="num">{s.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}
