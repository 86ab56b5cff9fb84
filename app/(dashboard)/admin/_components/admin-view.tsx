'use client';
// The admin page body: four panels.

import { UsersPanel } from './users-panel';
import { TokensPanel } from './tokens-panel';
import { AlertRulesPanel } from './alert-rules-panel';
import { AuditPanel } from './audit-panel';

export function AdminView({ selfId }: { selfId: string }) {
  return (
    <div data-testid="admin-page">
      <h1>Administration</h1>
      <p className="subtitle">Users and roles, API tokens, alert rules, and the audit trail of every action and change.</p>
      <UsersPanel selfId={selfId} />
      <TokensPanel />
      <AlertRulesPanel />
      <AuditPanel />
    </div>
  );
}
