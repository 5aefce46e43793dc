import type { ReactNode } from 'react';
import type { ConfigRef } from '../api/config-api.js';
import { configPath, configsPath, type ConfigTab } from '../logic/routes.js';
import { Link } from './link.js';

const TABS: [ConfigTab, string][] = [
  ['config', 'Content'],
  ['config-history', 'History'],
  ['config-beta', 'Beta release'],
  ['config-listeners', 'Listeners'],
];

/** A config's heading, where it sits, and its pages. */
export function ConfigHeader({ cref, current, children }: { cref: ConfigRef; current: ConfigTab; children?: ReactNode }) {
  return (
    <>
      <p className="crumbs">
        <Link href={configsPath(cref.namespace)}>Configs</Link> / {cref.group}
      </p>
      <div className="page-head">
        <h1>{cref.dataId}</h1>
        <div className="actions">{children}</div>
      </div>
      <nav className="tabs" aria-label="Config pages">
        {TABS.map(([tab, label]) => (
          <Link key={tab} href={configPath(cref.namespace, cref.group, cref.dataId, tab)} aria-current={tab === current ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
    </>
  );
}
