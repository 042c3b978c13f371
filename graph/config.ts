/**
 * Where the graph lives. Every part of Trailhound connects through these three variables, so
 * the same code runs against the local embedded Neo4j, the docker-compose one, a remote
 * server, or a cluster (neo4j:// routing URIs).
 */
export interface Neo4jSettings {
  readonly uri: string;
  readonly user: string;
  /** Absent: connect without authentication (the local embedded Neo4j has auth off). */
  readonly password: string | undefined;
  readonly database: string;
}

export const DEFAULT_NEO4J_URI = 'bolt://127.0.0.1:7687';

export function neo4jSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): Neo4jSettings {
  return {
    uri: env.NEO4J_URI?.trim() || DEFAULT_NEO4J_URI,
    user: env.NEO4J_USER?.trim() || 'neo4j',
    password: env.NEO4J_PASSWORD || undefined,
    database: env.NEO4J_DATABASE?.trim() || 'neo4j',
  };
}
