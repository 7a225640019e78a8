import type { CurrencyReport } from "../api";
import { brandName } from "../format";
import { ReportHours } from "./ReportHours";

/** One currency's day. Currencies are never added together, so each has its own block. */
export function ReportCurrency({ report: c }: { report: CurrencyReport }) {
  return (
    <section className="card report-currency" data-testid="report-currency" data-currency={c.currency} aria-label={`${c.currency} totals`}>
      <h3>{c.currency}</h3>
      <dl className="kpis">
        <div className="kpi">
          <dt>Gross</dt>
          <dd className="money" data-testid="report-gross">
            {c.gross.display}
          </dd>
        </div>
        <div className="kpi">
          <dt>Refunds</dt>
          <dd className="money" data-testid="report-refunds">
            {c.refunds.display}
          </dd>
        </div>
        <div className="kpi kpi-main">
          <dt>Net</dt>
          <dd className="money" data-testid="report-net">
            {c.net.display}
          </dd>
        </div>
        <div className="kpi">
          <dt>Authorized, not captured</dt>
          <dd className="money" data-testid="report-authorized">
            {c.authorized.display}
          </dd>
        </div>
        <div className="kpi">
          <dt>Sales</dt>
          <dd data-testid="report-sales">{c.sales}</dd>
        </div>
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
