'use client';
// PMO: which approved deals have no project yet (provisioning queue), and which projects
// have nobody staffed — ordered by contract value at risk.

import { FilterBar } from '@/app/_components/filter-bar';
import { StuckTable } from '@/app/_components/stuck-table';
import styles from '@/app/_components/views.module.css';
import { PMO_QUEUE } from './queue';
import { UnstaffedTable } from './unstaffed-table';

export function PmoView() {
  return (
    <div>
      <h1>PMO</h1>
      <p className="subtitle">Won deals without a project, and projects without people — before the customer notices.</p>
      <FilterBar />
      <section className="panel">
        <h2 className={styles.sectionTitle}>Unprovisioned projects <span className="muted" style={{ fontWeight: 400 }}>· approved or signed, no project after 2 business days</span></h2>
        <StuckTable rules={PMO_QUEUE} testId="unprovisioned" />
      </section>
      <section className="panel" data-testid="unstaffed">
        <h2 className={styles.sectionTitle}>Unstaffed projects <span className="muted" style={{ fontWeight: 400 }}>· provisioned, nobody assigned after 2 business days</span></h2>
        <UnstaffedTable />
      </section>
    </div>
  );
}
