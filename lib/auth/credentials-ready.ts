// Loads the admin-managed credentials the collectors check synchronously (ingest tokens,
// signing secrets) once per store and keeps them refreshed. Called by the auth bootstrap and
// by every collector request, so a standalone collector process has them too. Once per store
// (lib/once.ts), not per module copy.

import type { Store } from '../clickhouse/client';
import { oncePer } from '../once';
import { refreshIngestTokens, startIngestTokenRefresh } from './ingest-tokens';
import { refreshSigningSecrets, startSigningSecretRefresh } from './signing-secrets';

export function ensureManagedCredentials(store: Store): Promise<void> {
  return oncePer(
    store,
    'managedCredentials',
    async () => {
      await Promise.all([refreshIngestTokens(store), refreshSigningSecrets(store)]);
      startIngestTokenRefresh(store);
      startSigningSecretRefresh(store);
    },
    { retryOnFailure: true },
  );
}
