// Hash routes (#/nodes, #/nodes/<name>, #/pods): the server serves one page, and a reload or a
// shared link opens the same view.
import { useEffect, useState } from 'preact/hooks';

export function currentRoute(): string[] {
  const hash = window.location.hash.replace(/^#\/?/, '');
  return hash ? hash.split('/').map(decodeURIComponent) : ['overview'];
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function href(...parts: string[]): string {
  return '#/' + parts.map(encodeURIComponent).join('/');
}
