// PMO's unstaffed-projects clock: a provisioned project nobody is assigned to within
// 2 business days. Its list is a PMO queue of the exception workflow (acknowledge, assign,
// snooze, resolve; re-sync the project's staffing from the PSA), keyed like a stuck item:
// `project-unstaffed:<project key>`.

import type { IntervalSpec } from '../sla/interval-spec';

export const UNSTAFFED_SPEC: IntervalSpec = {
  start_events: ['project.provisioned'],
  end_events: ['resource.assigned'],
  match: 'deal',
  anchor: 'occurred_at',
  threshold_hours: 48,
  unit: 'business',
};

/** The unstaffed list's name in the exception workflow (its items' ids: `${UNSTAFFED_QUEUE}:${entity_key}`). */
export const UNSTAFFED_QUEUE = 'project-unstaffed';
