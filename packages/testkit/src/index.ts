export { FakeTime } from '@cairn/core';
export { spawnServer, type SpawnedServer } from './spawn-server.js';
export { repoRoot } from './repo-root.js';
export { freePortPair } from './free-port-pair.js';
export { FAST_CLUSTER, startSpawnedCluster, killNode, downMembers, listedPorts, ownerOf, type ClusterDatabase, type SpawnedNode } from './spawned-cluster.js';
