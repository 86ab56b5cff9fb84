import { describe, expect, it } from 'vitest';
import { KPIS, kpiTargets } from './definitions';

describe('KPI targets', () => {
  it('are the built-in ones unless CASHTRACE_KPI_TARGETS sets them, in the unit each KPI is measured in', () => {
    const builtIn = Object.fromEntries(KPIS.map((k) => [k.id, k.target]));
    expect(kpiTargets(undefined)).toEqual(builtIn);
    expect(kpiTargets('dso=60, quote_to_project=36h,milestone_to_invoice=7d,invoice_exception_rate=3%,traceability=0.99')).toEqual({
      ...builtIn, dso: 60, quote_to_project: 36, milestone_to_invoice: 7, invoice_exception_rate: 0.03, traceability: 0.99,
    });
  });

  it('refuses what is not a KPI or not in its unit, naming every bad pair', () => {
    expect(() => kpiTargets('dso=60,cash=1')).toThrow(/^CASHTRACE_KPI_TARGETS: "cash=1": not KPI=target with a KPI of quote_to_cash, /);
    expect(() => kpiTargets('dso=60h;traceability=120%')).toThrow('CASHTRACE_KPI_TARGETS: "dso=60h;traceability=120%": DSO is measured in days: e.g. dso=45 or 45d (days)');
    expect(() => kpiTargets('traceability=120%,quote_to_project=2d')).toThrow(
      'CASHTRACE_KPI_TARGETS: "traceability=120%": Traceability is a share: e.g. traceability=2% or 0.02; "quote_to_project=2d": Quote to project is measured in hours: e.g. quote_to_project=24 or 24h (hours)',
    );
    expect(() => kpiTargets('dso')).toThrow(/"dso": not KPI=target/);
  });
});
