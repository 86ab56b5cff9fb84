import type { ReactNode } from 'react';
import { Nav } from '../_components/nav';

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <div className="shell">
      <Nav />
      <main className="main">{children}</main>
    </div>
  );
}
