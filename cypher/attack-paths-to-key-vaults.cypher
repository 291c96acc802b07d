// name: attack-paths-to-key-vaults
// description: Attack paths from internet-exposed workloads to Key Vaults, through the managed identities they use and those identities' role assignments. Needs a recompute.
// param minScore: float = 0.0 -- only paths scoring at least this (0-10)
// column pathId: string -- the attack path's id
// column entry: string -- the internet-exposed workload the path starts at
// column entryPorts: list<string> -- its reachable ports
// column keyVault: string -- the Key Vault the path ends at
// column role: string -- the role that grants the access
// column severity: string -- critical, high, medium or low
// column score: float -- 0 to 10
// column hops: list<string> -- every node from the internet to the vault, in order
MATCH (state:AnalysisState)
MATCH (path:AttackPath)-[:TARGETS]->(vault:KeyVault)
WHERE path.resultVersion = state.currentVersion AND path.score >= $minScore
MATCH (path)-[:STARTS_AT]->(entry:Entity)
MATCH (path)-[via:VIA]->(hop:Entity)
WITH path, entry, vault, hop ORDER BY via.order
WITH path, entry, vault, collect(hop.id) AS hops
RETURN path.id AS pathId, entry.name AS entry, path.entryPorts AS entryPorts, vault.name AS keyVault,
       path.roleName AS role, path.severity AS severity, path.score AS score, hops
ORDER BY score DESC, entry, keyVault
