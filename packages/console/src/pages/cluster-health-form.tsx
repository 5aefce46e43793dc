import { useState } from 'react';
import { namingApi, type ClusterInfo, type HealthCheckerJson, type ServiceRef } from '../api/naming-api.js';
import { FormDialog } from '../components/dialog.js';

interface Props {
  service: ServiceRef;
  cluster: ClusterInfo;
  onClose: () => void;
  onSaved: () => void;
}

/** How the server probes a persistent cluster's instances: checker type, port and, for HTTP, path and status. */
export function ClusterHealthForm({ service, cluster, onClose, onSaved }: Props) {
  const [type, setType] = useState<HealthCheckerJson['type']>(cluster.healthChecker.type);
  const [useInstancePort, setUseInstancePort] = useState(cluster.useIPPort4Check);
  const submit = async (form: FormData) => {
    const checker: HealthCheckerJson = { type };
    if (type === 'HTTP') {
      checker.path = String(form.get('path') ?? '');
      checker.headers = String(form.get('headers') ?? '');
      const code = Number(form.get('expectedResponseCode'));
      if (!Number.isInteger(code) || code < 100 || code > 599) throw new Error('Expected status must be an HTTP status from 100 to 599.');
      checker.expectedResponseCode = code;
    }
    const checkPort = useInstancePort ? cluster.defaultCheckPort : Number(form.get('checkPort'));
    if (!Number.isInteger(checkPort) || checkPort < 1 || checkPort > 65535) throw new Error('Check port must be from 1 to 65535.');
    await namingApi.updateCluster(service, cluster.name, { checkPort, useInstancePort, checker });
    onSaved();
  };
  return (
    <FormDialog title={`Health check of cluster ${cluster.name}`} submitLabel="Save" onClose={onClose} onSubmit={submit}>
      <label>
        Checker
        <select value={type} onChange={(e) => setType(e.target.value as HealthCheckerJson['type'])} autoFocus>
          <option value="TCP">TCP: connect to the port</option>
          <option value="HTTP">HTTP: GET a path, expect a status</option>
          <option value="MYSQL">MYSQL: log in and run a query</option>
          <option value="NONE">NONE: health is marked by hand</option>
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={useInstancePort} onChange={(e) => setUseInstancePort(e.target.checked)} /> Probe each instance's own port
      </label>
      {!useInstancePort && (
        <label>
          Check port
          <input name="checkPort" type="number" min="1" max="65535" defaultValue={cluster.defaultCheckPort} required />
        </label>
      )}
      {type === 'HTTP' && (
        <>
          <label>
            Path
            <input name="path" defaultValue={String(cluster.healthChecker.path ?? '')} placeholder="/health" />
          </label>
          <label>
            Headers (Name:value|Name:value)
            <input name="headers" defaultValue={String(cluster.healthChecker.headers ?? '')} />
          </label>
          <label>
            Expected status
            <input name="expectedResponseCode" type="number" min="100" max="599" defaultValue={Number(cluster.healthChecker.expectedResponseCode ?? 200)} />
          </label>
        </>
      )}
    </FormDialog>
  );
}
