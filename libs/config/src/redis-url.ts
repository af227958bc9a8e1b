/** Where Kizuki's Redis is: one server, or the seed nodes of a Redis Cluster (REDIS_CLUSTER=true). */
export interface RedisTarget {
  cluster: boolean;
  /** the node (one server) or the seed nodes (a cluster; the client discovers the others) */
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  tls: boolean;
}

/**
 * Reads `redis[s]://[[user]:password@]host[:port][,host[:port]…][/db]`. Several nodes are the seed
 * nodes of a Redis Cluster and need `cluster`; a cluster has only database 0. Throws a message
 * naming what is wrong (loadConfig reports it against REDIS_URL).
 */
export function parseRedisUrl(url: string, cluster: boolean): RedisTarget {
  const scheme = /^(rediss?):\/\//.exec(url);
  if (!scheme) throw new Error('must be a redis:// or rediss:// URL');
  const rest = url.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  const credentials = at >= 0 ? rest.slice(0, at) : '';
  const location = rest.slice(at + 1);
  if (/[?#]/.test(location)) throw new Error('takes no query options (?…) or fragment');
  const slash = location.indexOf('/');
  const hosts = slash >= 0 ? location.slice(0, slash) : location;
  const db = slash >= 0 ? location.slice(slash + 1) : '';
  if (db !== '' && !/^\d+$/.test(db)) throw new Error(`database '${db}' is not a number`);
  const nodes = hosts.split(',').map(parseNode);
  if (nodes.length > 1 && !cluster) {
    throw new Error(`names ${nodes.length} nodes: set REDIS_CLUSTER=true for a Redis Cluster, or name one server`);
  }
  if (cluster && db !== '' && Number(db) !== 0) throw new Error(`a Redis Cluster has only database 0, not ${db}`);
  const colon = credentials.indexOf(':');
  const username = decodeURIComponent(colon >= 0 ? credentials.slice(0, colon) : '');
  const password = decodeURIComponent(colon >= 0 ? credentials.slice(colon + 1) : credentials);
  return {
    cluster,
    nodes,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    tls: scheme[1] === 'rediss',
  };
}

function parseNode(text: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d+))?$/.exec(text);
  if (!m) throw new Error(`node '${text}' is not host:port`);
  const port = m[2] === undefined ? 6379 : Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`node '${text}' has no valid port`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}
