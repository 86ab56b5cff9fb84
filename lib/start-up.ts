// What the server does as it starts (instrumentation.ts, Node.js runtime only): open the
// runtime (migrations, bus, ingest writer) so bad configuration or a failed migration stops
// start-up with its message, ready access control, connectors and alerts, and drain the
// write buffer on shutdown. Its own module so the Edge build of instrumentation.ts never
// sees Node-only code (Next.js warned about process.exit there at every build).

export async function startUp(): Promise<void> {
  const { getRuntime, hookShutdown } = await import('./runtime');
  hookShutdown();
  try {
    const rt = await getRuntime();
    console.log(`[cashtrace] store: ${rt.store.kind}, bus: ${rt.bus.kind}, ingest writer: ${rt.batcher ? 'in process' : 'external'}`);
    // Access control (demo users, bootstrap token), connectors, action verifier, alert evaluator.
    const { ensureAuthReady } = await import('./auth/bootstrap');
    await ensureAuthReady(rt.store);
    const { ensureActionServices } = await import('../collectors/connectors/services');
    await ensureActionServices(rt);
  } catch (err) {
    console.error(`[cashtrace] start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
