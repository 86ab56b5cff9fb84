// Next.js start-up hook: open the runtime (migrations, bus, ingest writer) as soon as the
// server starts, so bad configuration or a failed migration stops start-up with its
// message, and drain the write buffer on shutdown.

export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getRuntime, hookShutdown } = await import('./lib/runtime');
  hookShutdown();
  try {
    const rt = await getRuntime();
    console.log(`[cashtrace] store: ${rt.store.kind}, bus: ${rt.bus.kind}, ingest writer: ${rt.batcher ? 'in process' : 'external'}`);
    // Access control (demo users, bootstrap token), connectors, action verifier, alert evaluator.
    const { ensureAuthReady } = await import('./lib/auth/bootstrap');
    await ensureAuthReady(rt.store);
    const { ensureActionServices } = await import('./collectors/connectors/services');
    await ensureActionServices(rt);
  } catch (err) {
    console.error(`[cashtrace] start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
