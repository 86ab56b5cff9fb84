'use client';
// The variants view: conformance tiles, conformance per billing model, and the most
// common paths with their share, each step marked where it leaves the expected path.

import { useVariants } from '@/app/_hooks/use-variants';
import { queryString } from '@/app/_hooks/fetch-json';
import { formatPercent } from '@/lib/money/format';
import { VARIANTS_SHOWN } from '@/lib/contracts/variants';
import { BILLING_MODEL_LABEL } from '@/app/_components/journey-format';
import { useUrlFilters } from '../../deals/_components/url-filters';
import { VariantPath } from './variant-path';
import styles from './variants.module.css';

export function VariantsView() {
  const filters = useUrlFilters();
  const { data, error, isLoading } = useVariants({ limit: VARIANTS_SHOWN, filters });
  const csvHref = `/api/variants${queryString({ ...filters, format: 'csv' })}`;
  return (
    <div>
      <div className={styles.head}>
        <div>
          <h1>Variants</h1>
          <p className="subtitle">How deals really move from won to cash, and how many follow the expected path of their billing model.</p>
        </div>
        <a href={csvHref} className={styles.export} data-testid="variants-csv" download>
          Export CSV
        </a>
      </div>
      {error ? (
        <div className="panel error" role="alert">Could not load variants: {error.message}</div>
      ) : isLoading || !data ? (
        <div className="loading">Loading variants…</div>
      ) : data.total_deals === 0 ? (
        <div className="panel empty" data-testid="variants-empty">No deals in scope yet.</div>
      ) : (
        <>
          <div className="grid cols-4" style={{ marginBottom: 16 }}>
            <div className="tile">
              <div className="label">Deals</div>
              <div className="value">{data.total_deals.toLocaleString('en-GB')}</div>
              <div className="sub">in scope</div>
            </div>
            <div className="tile">
              <div className="label">Conformance</div>
              <div className="value" data-testid="conformance">{formatPercent(data.conformance)}</div>
              <div className="sub">{data.conforming_deals.toLocaleString('en-GB')} deals on the expected path so far</div>
            </div>
            <div className="tile">
              <div className="label">Variants</div>
              <div className="value">{data.variant_count.toLocaleString('en-GB')}</div>
              <div className="sub">distinct paths</div>
            </div>
            <div className="tile">
              <div className="label">Top variant</div>
              <div className="value">{formatPercent(data.variants[0]?.share ?? 0)}</div>
              <div className="sub">of deals share the most common path</div>
            </div>
          </div>
          <section className="panel">
            <h2>Conformance by billing model</h2>
            <table className="data" data-testid="model-conformance">
              <thead>
                <tr>
                  <th>Billing model</th>
                  <th className="num">Deals</th>
                  <th className="num">Variants</th>
                  <th>Conformance</th>
                </tr>
              </thead>
              <tbody>
                {data.models.map((m) => (
                  <tr key={m.billing_model}>
                    <td>{BILLING_MODEL_LABEL[m.billing_model] ?? (m.billing_model || 'unknown')}</td>
                    <td className="num">{m.deals.toLocaleString('en-GB')}</td>
                    <td className="num">{m.variants}</td>
                    <td>
                      <span className={styles.meter}>
                        <span style={{ width: `${m.conformance * 100}%` }} />
                      </span>{' '}
                      {formatPercent(m.conformance)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="panel" style={{ padding: 0 }}>
            <table className="data" data-testid="variants-table">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>Billing model</th>
                  <th>Path</th>
                  <th className="num">Deals</th>
                  <th>Share</th>
                  <th>Conforms</th>
                </tr>
              </thead>
              <tbody>
                {data.variants.map((v) => (
                  <tr key={v.rank} data-testid="variant-row">
                    <td className="num">{v.rank}</td>
                    <td>{BILLING_MODEL_LABEL[v.billing_model] ?? (v.billing_model || 'unknown')}</td>
                    <td className={styles.pathCell}>
                      <VariantPath variant={v} />
                    </td>
                    <td className="num">{v.deals.toLocaleString('en-GB')}</td>
                    <td>
                      <span className={styles.meter}>
                        <span style={{ width: `${Math.max(v.share * 100, 1)}%` }} />
                      </span>{' '}
                      {formatPercent(v.share)}
                    </td>
                    <td>{v.conforming ? <span className="badge ok">yes</span> : <span className="badge warn">no</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </div>
  );
}
