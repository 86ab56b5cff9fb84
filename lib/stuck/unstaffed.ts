// PMO's unstaffed-projects clock: a provisioned project nobody is assigned to within
// 2 business days.

import type { IntervalSpec } from '../sla/interval-spec';

export const UNSTAFFED_SPEC: IntervalSpec = {
  start_events: ['project.provisioned'],
  end_events: ['resource.assigned'],
  match: 'deal',
  anchor: 'occurred_at',
  threshold_hours: 48,
  unit: 'business',
};
