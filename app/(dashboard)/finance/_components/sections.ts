// Finance's queues, shared by its view and its page (which computes their first pages while it
// renders): a server component cannot import values from a 'use client' module.
import type { StuckRuleName } from '@/lib/stuck/rules';

export const FINANCE_PAGE_SIZE = 10;

export const SECTIONS: { id: string; title: string; rules: StuckRuleName[]; blurb: string }[] = [
  { id: 'stuck-invoices', title: 'Stuck invoices', rules: ['invoice-not-collected'], blurb: 'Not fully paid by the due date; open amount after payments and credits.' },
  { id: 'unbilled-work', title: 'Unbilled work', rules: ['milestone-not-invoiced', 'time-not-billed', 'change-not-reflected'], blurb: 'Delivered or changed, not yet on an invoice.' },
  // A project with no billing schedule holds its whole contract value, not work delivered:
  // summed into "Unbilled work" it made that €30m where the leakage view counts €6m.
  { id: 'billing-not-set-up', title: 'Billing not set up', rules: ['provisioned-not-billable'], blurb: 'Projects running with no billing schedule in the ERP: their contract value cannot be invoiced yet.' },
  { id: 'unapplied-cash', title: 'Unapplied cash', rules: ['payment-not-applied'], blurb: 'Payments received but not applied to an invoice in the ERP.' },
];

