'use client';
// The admin page body: its panels.

import { UsersPanel } from './users-panel';
import { TokensPanel } from './tokens-panel';
import { AlertRulesPanel } from './alert-rules-panel';
import { AuditPanel } from './audit-panel';
import { IngestTokensPanel } from './ingest-tokens-panel';
import { SigningSecretsPanel } from './signing-secrets-panel';
import { SettingsPanel } from './settings-panel';

export function AdminView({ selfId }: { selfId: string }) {
  return (
    <div data-testid="admin-page">
      <h1>Administration</h1>
      <p className="subtitle">Users and roles, API and ingest tokens, signing secrets, alert rules, the settings the figures are computed with, and the audit trail of every action and change.</p>
      <UsersPanel selfId={selfId} />
      <TokensPanel />
      <IngestTokensPanel />
      <SigningSecretsPanel />
      <AlertRulesPanel />
      <SettingsPanel />
      <AuditPanel />
    </div>
  );
}
