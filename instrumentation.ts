// Next.js start-up hook: the server's start-up work (lib/start-up.ts) runs in the Node.js
// runtime only; the Edge build sees an empty hook.

export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startUp } = await import('./lib/start-up');
    await startUp();
  }
}
