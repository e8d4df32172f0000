// The administration pages, mounted by the app for every path under /admin. Sub-routing:
// /admin and /admin/employees, /admin/lines, /admin/lines/:id, /admin/channels/:id.
import { useEffect, useRef } from 'react';
import type { Employee } from '../api/types';
import ChannelPage from './ChannelPage';
import { Link } from './common';
import EmployeesPage from './EmployeesPage';
import LinePage from './LinePage';
import LinesPage from './LinesPage';
import { parseRoute, usePathname } from './router';
import './admin.css';

export default function AdminPages({ me }: { me: Employee }) {
  const path = usePathname();
  const route = parseRoute(path);
  const root = useRef<HTMLDivElement>(null);
  const first = useRef(true);

  // After an in-app navigation, move focus to the new page's heading.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // The page may still be loading: look for its heading for a little while.
    let tries = 0;
    let t: ReturnType<typeof setTimeout>;
    const tick = () => {
      const h = root.current?.querySelector<HTMLElement>('h2[tabindex="-1"]');
      if (h) {
        if (!root.current?.contains(document.activeElement) || document.activeElement === document.body) h.focus();
        else if (document.activeElement?.closest('a, .adm-tabs')) h.focus();
      } else if (tries++ < 40) t = setTimeout(tick, 50);
    };
    t = setTimeout(tick, 0);
    return () => clearTimeout(t);
  }, [path]);

  if (me.role !== 'admin') {
    return (
      <div className="adm-root">
        <section className="adm-page">
          <h2>Administration</h2>
          <p className="adm-error" role="alert">You need admin rights to see this page.</p>
        </section>
      </div>
    );
  }

  const section = route.page === 'employees' ? 'employees' : route.page === 'notfound' ? null : 'lines';

  return (
    <div className="adm-root" ref={root}>
      <nav className="adm-tabs" aria-label="Administration">
        <Link href="/admin/employees" className={section === 'employees' ? 'adm-tab adm-tab-current' : 'adm-tab'}
          aria-current={section === 'employees' ? 'page' : undefined}>
          Employees
        </Link>
        <Link href="/admin/lines" className={section === 'lines' ? 'adm-tab adm-tab-current' : 'adm-tab'}
          aria-current={section === 'lines' ? 'page' : undefined}>
          Lines
        </Link>
      </nav>
      {route.page === 'employees' && <EmployeesPage me={me} />}
      {route.page === 'lines' && <LinesPage />}
      {route.page === 'line' && <LinePage key={route.id} id={route.id} />}
      {route.page === 'channel' && <ChannelPage key={route.id} id={route.id} />}
      {route.page === 'notfound' && (
        <section className="adm-page">
          <h2 tabIndex={-1}>Page not found</h2>
          <p>There is no such administration page. <Link href="/admin/employees">Go to Employees</Link>.</p>
        </section>
      )}
    </div>
  );
}
