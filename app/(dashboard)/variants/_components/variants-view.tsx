'use client';
// The variants view: conformance tiles, conformance per billing model, and the most
// common paths with their share, each step marked where it leaves the expected path; the
// shared filters, all paths or only those off the expected path, more on demand, and each
// path's deals one click away (the deals list filtered on that path).

import { useState } from 'react';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useVariants } from '@/app/_hooks/use-variants';
import { FilterBar, useSetParams } from '@/app/_components/filter-bar';
import { Updating } from '@/app/_components/updating';
import { pathParam } from '@/lib/queries/deal-path';
import { NO_VALUE } from '@/lib/queries/filters';
import { queryString } from '@/app/_hooks/fetch-json';
import { formatCount, formatPercent } from '@/lib/money/format';
import { VARIANTS_MAX_LIMIT, VARIANTS_SHOWN } from '@/lib/contracts/variants';
import { BILLING_MODEL_LABEL } from '@/app/_components/journey-format';
import { useUrlFilters } from '../../deals/_components/url-filters';
import { VariantPath } from './variant-path';
import styles from './variants.module.css';
import { ExportCsv } from '@/app/_components/export-csv';
import { RefreshFailed, loadError } from '@/app/_components/refresh-failed';

export function VariantsView() {
  const filters = useUrlFilters();
  const sp = useSearchParams();
  const setParams = useSetParams();
  const conforming = sp.get('conforming') === 'yes' || sp.get('conforming') === 'no' ? (sp.get('conforming') as 'yes' | 'no') : undefined;
  const scope = queryString({ ...filters, conforming });
  // "Show more" within one scope; a new scope (filters, conforming) starts again from the first VARIANTS_SHOWN paths.
  const [more, setMore] = useState({ scope, shown: VARIANTS_SHOWN });
  const shown = more.scope === scope ? more.shown : VARIANTS_SHOWN;
  const variants = useVariants({ limit: shown, conforming, filters });
  const { data, isLoading, isFetching } = variants;
  const error = loadError(variants);
  const csvHref = `/api/variants${queryString({ ...filters, conforming, format: 'csv' })}`;
  return (
    <div>
      <div className={styles.head}>
        <div>
          <h1>Variants</h1>
          <p className="subtitle">How deals really move from won to cash, and how many follow the expected path of their billing model.</p>
        </div>
        <span className={styles.headActions}>
          <Updating active={isFetching} />
          <ExportCsv href={csvHref} className={styles.export} testId="variants-csv" />
        </span>
      </div>
      <FilterBar />
      <RefreshFailed query={variants} what="the variants" />
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
              <div className="value">{formatCount(data.total_deals)}</div>
              <div className="sub">in scope</div>
            </div>
            <div className="tile">
              <div className="label">Conformance</div>
              <div className="value" data-testid="conformance">{formatPercent(data.conformance)}</div>
              <div className="sub">
                {formatCount(data.conforming_deals)} deals on the expected path so far
                {data.judged_deals < data.total_deals && ` (of the ${formatCount(data.judged_deals)} on the listed paths)`}
              </div>
            </div>
            <div className="tile">
              <div className="label">Variants</div>
              <div className="value">{formatCount(data.variant_count)}</div>
              <div className="sub" data-testid="variants-listed">
                {data.listed_variants < data.variant_count ? `distinct paths; the ${formatCount(data.listed_variants)} most common listed and judged` : 'distinct paths'}
              </div>
            </div>
            <div className="tile">
              <div className="label">Top variant</div>
              <div className="value">{formatPercent(data.top_share)}</div>
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
                    <td>{BILLING_MODEL_LABEL[m.billing_model] ?? (m.billing_model || NO_VALUE)}</td>
                    <td className="num">{formatCount(m.deals)}</td>
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
          <div className="toolbar">
            <select
              value={conforming ?? ''}
              onChange={(e) => setParams({ conforming: e.target.value || undefined })}
              aria-label="Which paths"
              data-testid="conforming-filter"
            >
              <option value="">All paths</option>
              <option value="no">Off the expected path</option>
              <option value="yes">On the expected path</option>
            </select>
            <span className="muted" data-testid="variants-count">
              {data.variants.length < data.matching_variants
                ? `The ${formatCount(data.variants.length)} most common of ${formatCount(data.matching_variants)} paths`
                : `${formatCount(data.matching_variants)} ${data.matching_variants === 1 ? 'path' : 'paths'}`}
              {conforming === 'no' ? ' off the expected path' : conforming === 'yes' ? ' on the expected path' : ''} · a path’s deal count opens its deals
            </span>
          </div>
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
                  <tr key={v.rank} data-testid="variant-row" data-conforming={v.conforming ? 'yes' : 'no'}>
                    <td className="num">{v.rank}</td>
                    <td>{BILLING_MODEL_LABEL[v.billing_model] ?? (v.billing_model || NO_VALUE)}</td>
                    <td className={styles.pathCell}>
                      <VariantPath variant={v} />
                    </td>
                    <td className="num">
                      <Link
                        href={`/deals${queryString({ ...filters, billing_model: v.billing_model || NO_VALUE, path: pathParam(v.path) })}`}
                        title="The deals on this path"
                        data-testid="variant-deals"
                      >
                        {formatCount(v.deals)}
                      </Link>
                    </td>
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
            {data.matching_variants === 0 && <div className="empty">{conforming === 'no' ? 'Every deal in scope is on its expected path.' : 'No path matches.'}</div>}
          </section>
          {data.variants.length < data.matching_variants && shown < VARIANTS_MAX_LIMIT && (
            <div className={styles.more}>
              <button type="button" disabled={data.variants.length < Math.min(shown, data.matching_variants)} onClick={() => setMore({ scope, shown: Math.min(shown + VARIANTS_SHOWN, VARIANTS_MAX_LIMIT) })} data-testid="variants-more">
                Show {Math.min(VARIANTS_SHOWN, data.matching_variants - data.variants.length, VARIANTS_MAX_LIMIT - shown)} more
              </button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
