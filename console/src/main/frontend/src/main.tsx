import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentToken, onUnauthorized, setToken } from './api';
import type { KubeObject } from './model';
import { href, useRoute } from './route';
import { PodDetail } from './pod';
import { Login, whoAmI, type User } from './session';
import { ObjectDetail } from './detail';
import { kindOfResource } from './kinds';
import { ConfigMaps, Events, Secrets, Services } from './resources';
import { Overview, Pods, Workloads } from './views';
import { Deploy } from './deploy';
import { Nodes } from './nodes';
import { useWatchedList } from './watching';
import './styles.css';

const NAMESPACE_KEY = 'capstan.console.namespace';

const SECTIONS: [string, string][] = [
  ['overview', 'Overview'],
  ['nodes', 'Nodes'],
  ['workloads', 'Workloads'],
  ['pods', 'Pods'],
  ['services', 'Services'],
  ['configmaps', 'ConfigMaps'],
  ['secrets', 'Secrets'],
  ['events', 'Events'],
  ['deploy', 'Deploy'],
];

function NamespaceSwitcher({ value, onChange }: { value: string; onChange: (ns: string) => void }) {
  const namespaces = useWatchedList<KubeObject>('/api/v1/namespaces');
  const [typed, setTyped] = useState(value);
  if (namespaces.error) {
    // a user bound to roles in some namespaces only may not list them: the namespace is typed
    const commit = () => { if (typed.trim() !== value) onChange(typed.trim()); };
    return (
      <div class="namespace">
        <label for="namespace">Namespace</label>
        <input id="namespace" value={typed} placeholder="namespace" spellcheck={false}
          onInput={(e) => setTyped((e.target as HTMLInputElement).value)} onBlur={commit}
          onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />
      </div>
    );
  }
  const names = namespaces.items.map((n) => n.metadata.name).sort();
  return (
    <div class="namespace">
      <label for="namespace">Namespace</label>
      <select id="namespace" value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">All namespaces</option>
        {names.map((n) => <option value={n}>{n}</option>)}
        {value && !names.includes(value) && <option value={value}>{value}</option>}
      </select>
    </div>
  );
}

function Console({ user, onLogout }: { user: User; onLogout: () => void }) {
  const route = useRoute();
  const [namespace, setNamespace] = useState(sessionStorage.getItem(NAMESPACE_KEY) ?? 'default');
  const choose = (ns: string) => {
    sessionStorage.setItem(NAMESPACE_KEY, ns);
    setNamespace(ns);
  };
  const section = route[0];
  const kind = kindOfResource(section);
  // #/<resource>/<namespace>/<name>, or #/<resource>/<name> for a cluster-scoped kind
  const named = kind && route.length >= (kind.namespaced ? 3 : 2);
  let view;
  if (named && section === 'pods') {
    view = <PodDetail namespace={route[1]} name={route[2]} />;
  } else if (named) {
    view = kind.namespaced ? <ObjectDetail kind={kind} namespace={route[1]} name={route[2]} /> : <ObjectDetail kind={kind} namespace="" name={route[1]} />;
  } else {
    switch (section) {
      case 'nodes': view = <Nodes />; break;
      case 'workloads': view = <Workloads namespace={namespace} />; break;
      case 'pods': view = <Pods namespace={namespace} />; break;
      case 'services': view = <Services namespace={namespace} />; break;
      case 'configmaps': view = <ConfigMaps namespace={namespace} />; break;
      case 'secrets': view = <Secrets namespace={namespace} />; break;
      case 'events': view = <Events namespace={namespace} />; break;
      case 'deploy': view = <Deploy namespace={namespace} />; break;
      default: view = <Overview namespace={namespace} />;
    }
  }
  return (
    <div class="console">
      <a class="skip" href="#content" onClick={(e) => { e.preventDefault(); document.getElementById('content')?.focus(); }}>Skip to content</a>
      <header>
        <a class="brand" href={href('overview')}>Capstan</a>
        <NamespaceSwitcher value={namespace} onChange={choose} />
        <span class="user" id="user" title={user.groups.join(', ')}>{user.username}</span>
        <button type="button" id="logout" onClick={onLogout}>Log out</button>
      </header>
      <nav aria-label="Sections">
        <ul>{SECTIONS.map(([id, label]) => (
          <li><a href={href(id)} aria-current={section === id ? 'page' : undefined}>{label}</a></li>))}
        </ul>
      </nav>
      <main id="content" tabIndex={-1}>{view}</main>
    </div>
  );
}

function App() {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(currentToken() !== null);
  const [reason, setReason] = useState<string | null>(null);

  useEffect(() => {
    onUnauthorized((why) => {
      setToken(null);
      setUser(null);
      setReason(why);
    });
    if (currentToken() !== null) {
      whoAmI().then(setUser).catch(() => setToken(null)).finally(() => setChecking(false));
    }
  }, []);

  if (checking) return <p class="loading">Checking your session…</p>;
  if (!user) return <Login reason={reason} onLogin={(u) => { setReason(null); setUser(u); }} />;
  return <Console user={user} onLogout={() => { setToken(null); setUser(null); setReason('You logged out.'); }} />;
}

render(<App />, document.getElementById('app')!);
