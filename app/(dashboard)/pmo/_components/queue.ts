// PMO's stuck queue, shared by its view and its page (which computes the first page while it
// renders): a server component cannot import values from a 'use client' module.
import type { StuckRuleName } from '@/lib/stuck/rules';

export const PMO_QUEUE: StuckRuleName[] = ['approved-not-provisioned'];
