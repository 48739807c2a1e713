// The lists of Services, ConfigMaps, Secrets and Events, with the columns kubectl get prints
// for them (and the selector and endpoints Headlamp and the Dashboard add to Services). Each
// name leads to the object's page.
import { useState } from 'preact/hooks';
import { ObjectLink } from './detail';
import { age, endpointAddresses, lastSeen, selectorText, serviceExternalIp, servicePorts } from './format';
import { collectionPath, kindNamed, objectHref } from './kinds';
import type { DataObject, Endpoints, Event, Service } from './model';
import { byName, Problem, Table } from './views';
import { useWatchedList } from './watching';
import { EventStream } from './eventstream';

const SERVICE = kindNamed('Service')!;
const ENDPOINTS = kindNamed('Endpoints')!;
const CONFIG_MAP = kindNamed('ConfigMap')!;
const SECRET = kindNamed('Secret')!;
const EVENT = kindNamed('Event')!;

export function Services({ namespace }: { namespace: string }) {
  const services = useWatchedList<Service>(collectionPath(SERVICE, namespace));
  const endpoints = useWatchedList<Endpoints>(collectionPath(ENDPOINTS, namespace));
  const endpointsOf = new Map(endpoints.items.map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e]));
  return (
    <section aria-labelledby="services-title">
      <h2 id="services-title">Services</h2>
      <Problem error={services.error} />
      <Table label="Services" head={[...(namespace ? [] : ['Namespace']), 'Name', 'Type', 'Cluster IP', 'External IP', 'Ports', 'Selector', 'Endpoints', 'Age']}
        empty={services.loaded && services.items.length === 0}>
        {[...services.items].sort(byName).map((s) => {
          const addresses = endpointAddresses(endpointsOf.get(`${s.metadata.namespace}/${s.metadata.name}`));
          return (
            <tr key={s.metadata.uid} data-service={s.metadata.name}>
              {!namespace && <td>{s.metadata.namespace}</td>}
              <th scope="row"><ObjectLink kind={SERVICE} object={s} /></th>
              <td>{s.spec?.type ?? 'ClusterIP'}</td>
              <td>{s.spec?.clusterIP ?? '<none>'}</td>
              <td>{serviceExternalIp(s)}</td>
              <td>{servicePorts(s)}</td>
              <td>{selectorText(s.spec?.selector)}</td>
              <td>{addresses.length === 0 ? '<none>' : addresses.length > 3 ? `${addresses.slice(0, 3).join(',')} + ${addresses.length - 3} more...` : addresses.join(',')}</td>
              <td>{age(s.metadata.creationTimestamp)}</td>
            </tr>);
        })}
      </Table>
    </section>
  );
}

export function ConfigMaps({ namespace }: { namespace: string }) {
  const maps = useWatchedList<DataObject>(collectionPath(CONFIG_MAP, namespace));
  return (
    <section aria-labelledby="configmaps-title">
      <h2 id="configmaps-title">ConfigMaps</h2>
      <Problem error={maps.error} />
      <Table label="ConfigMaps" head={[...(namespace ? [] : ['Namespace']), 'Name', 'Data', 'Age']} empty={maps.loaded && maps.items.length === 0}>
        {[...maps.items].sort(byName).map((m) => (
          <tr key={m.metadata.uid} data-configmap={m.metadata.name}>
            {!namespace && <td>{m.metadata.namespace}</td>}
            <th scope="row"><ObjectLink kind={CONFIG_MAP} object={m} /></th>
            <td>{Object.keys(m.data ?? {}).length + Object.keys(m.binaryData ?? {}).length}</td>
            <td>{age(m.metadata.creationTimestamp)}</td>
          </tr>))}
      </Table>
    </section>
  );
}

/** Secrets by name, type and keys: their values only on a Secret's page, one at a time on request. */
export function Secrets({ namespace }: { namespace: string }) {
  const secrets = useWatchedList<DataObject>(collectionPath(SECRET, namespace));
  return (
    <section aria-labelledby="secrets-title">
      <h2 id="secrets-title">Secrets</h2>
      <Problem error={secrets.error} />
      <Table label="Secrets" head={[...(namespace ? [] : ['Namespace']), 'Name', 'Type', 'Data', 'Keys', 'Age']} empty={secrets.loaded && secrets.items.length === 0}>
        {[...secrets.items].sort(byName).map((s) => (
          <tr key={s.metadata.uid} data-secret={s.metadata.name}>
            {!namespace && <td>{s.metadata.namespace}</td>}
            <th scope="row"><ObjectLink kind={SECRET} object={s} /></th>
            <td>{s.type ?? 'Opaque'}</td>
            <td>{Object.keys(s.data ?? {}).length}</td>
            <td>{Object.keys(s.data ?? {}).sort().join(', ')}</td>
            <td>{age(s.metadata.creationTimestamp)}</td>
          </tr>))}
      </Table>
    </section>
  );
}

/**
 * The namespace's events: as a list, newest first, Warnings marked (and filterable), as `kubectl
 * events` lists them; or as a live stream of what happens from now on ({@link EventStream}).
 */
export function Events({ namespace }: { namespace: string }) {
  const [streaming, setStreaming] = useState(false);
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      <div class="tabs" role="group" aria-label="How to show events">
        <button type="button" id="events-list" class={streaming ? 'secondary' : ''} aria-pressed={!streaming}
          onClick={() => setStreaming(false)}>List</button>
        <button type="button" id="events-stream" class={streaming ? '' : 'secondary'} aria-pressed={streaming}
          onClick={() => setStreaming(true)}>Live stream</button>
      </div>
      {streaming ? <EventStream namespace={namespace} /> : <EventList namespace={namespace} />}
    </section>
  );
}

function EventList({ namespace }: { namespace: string }) {
  const events = useWatchedList<Event>(collectionPath(EVENT, namespace));
  const [warningsOnly, setWarningsOnly] = useState(false);
  const shown = events.items.filter((e) => !warningsOnly || e.type === 'Warning')
    .sort((a, b) => (lastSeen(b) ?? '').localeCompare(lastSeen(a) ?? ''));
  return (
    <>
      <label><input type="checkbox" id="warnings-only" checked={warningsOnly}
        onChange={(e) => setWarningsOnly((e.target as HTMLInputElement).checked)} /> Warnings only</label>
      <Problem error={events.error} />
      <Table label="Events" head={[...(namespace ? [] : ['Namespace']), 'Last seen', 'Type', 'Reason', 'Object', 'Message']}
        empty={events.loaded && shown.length === 0}>
        {shown.map((e) => {
          const involved = e.involvedObject ?? {};
          const kind = kindNamed(involved.kind, involved.apiVersion);
          const label = `${(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`;
          return (
            <tr key={e.metadata.uid} data-event={e.metadata.name} class={e.type === 'Warning' ? 'warning' : ''}>
              {!namespace && <td>{e.metadata.namespace}</td>}
              <td>{age(lastSeen(e))}</td>
              <td>{e.type}</td>
              <td>{e.reason}</td>
              <td>{kind && involved.name ? <a href={objectHref(kind, involved.namespace ?? e.metadata.namespace, involved.name)}>{label}</a> : label}</td>
              <td class="wrap">{e.message}</td>
            </tr>);
        })}
      </Table>
    </>
  );
}
