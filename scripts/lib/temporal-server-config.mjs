// The config files of the Temporal server that TEMPORAL_SERVER=postgresql runs
// (temporal-server.mjs): its ports, its static config and its dynamic config.

/**
 * The server's ports. With only `frontend`, the others sit where Temporal
 * puts them by default around 7233: history +1, matching +2, worker +6, and
 * each one's membership port 300 below its gRPC port.
 */
/** The server writes membership ports into a smallint column (cluster_membership.rpc_port). */
export const MAX_MEMBERSHIP_PORT = 32767;

export function serverPorts(frontend, given = {}) {
  const ports = {
    frontend,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 6,
    frontendMembership: frontend - 300,
    historyMembership: frontend - 299,
    matchingMembership: frontend - 298,
    workerMembership: frontend - 294,
    ...given,
  };
  for (const [role, port] of Object.entries(ports)) {
    const max = role.endsWith('Membership') ? MAX_MEMBERSHIP_PORT : 65535;
    if (!Number.isInteger(port) || port < 1 || port > max) {
      throw new Error(
        `TEMPORAL_PORT=${frontend} puts the Temporal server's ${role} port at ${port}, outside 1-${max}` +
          `${max < 65535 ? ' (the server keeps membership ports in a PostgreSQL smallint)' : ''}; ` +
          `pick a TEMPORAL_PORT between 301 and ${MAX_MEMBERSHIP_PORT + 300}.`,
      );
    }
  }
  return ports;
}

/** The server's static config: every service on loopback, persistence and visibility in PostgreSQL. */
export function serverConfig({ ports, db, dynamicConfigFile, logLevel = 'warn' }) {
  const store = (name, maxConns) => `      sql:
        pluginName: postgres12
        databaseName: ${JSON.stringify(name)}
        connectAddr: ${JSON.stringify(`${db.host.includes(':') ? `[${db.host}]` : db.host}:${db.port}`)}
        connectProtocol: tcp
        user: ${JSON.stringify(db.user)}
        password: {{ env "TEMPORAL_SQL_PASSWORD" | quote }}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
  const service = (grpc, membership) => `    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true`;
  return `# enable-template (the database password comes from TEMPORAL_SQL_PASSWORD)
# Written by npm start (TEMPORAL_SERVER=postgresql) at each start: edits are lost.
log:
  stdout: true
  level: ${logLevel}
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:
${store(db.temporal, 20)}
    visibility:
${store(db.visibility, 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
  frontend:
${service(ports.frontend, ports.frontendMembership)}
  history:
${service(ports.history, ports.historyMembership)}
  matching:
${service(ports.matching, ports.matchingMembership)}
  worker:
${service(ports.worker, ports.workerMembership)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${ports.frontend}
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: ${JSON.stringify(dynamicConfigFile)}
  pollInterval: 10s
`;
}

/** Dynamic config: Temporal's defaults, save what a single small machine wants otherwise. */
export const DYNAMIC_CONFIG = `# Written by npm start (TEMPORAL_SERVER=postgresql); read again every 10 s.
limit.maxIDLength:
  - value: 255
`;
