import type { CurrencyReport } from "../api";
import { brandName } from "../format";
import { ReportHours } from "./ReportHours";

/** One currency's day. Currencies are never added together, so each has its own block. */
export function ReportCurrency({ report: c }: { report: CurrencyReport }) {
  return (
    <section className="card report-currency" data-testid="report-currency" data-currency={c.currency} aria-label={`${c.currency} totals`}>
      <h3>{c.currency}</h3>
      <dl className="kpis">
        <Kpi label="Gross" testId="report-gross" value={c.gross.display} money />
        <Kpi label="Refunds" testId="report-refunds" value={c.refunds.display} money />
        <Kpi label="Net" testId="report-net" value={c.net.display} money main />
        <Kpi label="Authorized, not captured" testId="report-authorized" value={c.authorized.display} money />
        <Kpi label="Sales" testId="report-sales" value={String(c.sales)} />
      </dl>
      <div className="report-currency-body">
        <ReportHours hours={c.byHour} />
        <div className="report-brands">
          <h4>By card brand</h4>
          {c.byBrand.length === 0 ? (
            <p className="muted-text">No card payments.</p>
          ) : (
            <table className="report-table">
              <tbody>
                {c.byBrand.map((b) => (
                  <tr key={b.brand} data-testid="report-brand" data-brand={b.brand}>
                    <td>{brandName(b.brand)}</td>
                    <td className="num">{b.count}</td>
                    <td className="amount money">{b.gross.display}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}

function Kpi({ label, testId, value, money = false, main = false }: { label: string; testId: string; value: string; money?: boolean; main?: boolean }) {
  return (
    <div className={main ? "kpi kpi-main" : "kpi"}>
      <dt>{label}</dt>
      <dd className={money ? "money" : undefined} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
