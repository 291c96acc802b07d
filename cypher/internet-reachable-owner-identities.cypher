// name: internet-reachable-owner-identities
// description: Managed identities holding Owner on a subscription that are used by a workload the internet can reach — one exploit away from the whole subscription. Needs a recompute.
// column identity: string -- the managed identity's id
// column identityName: string -- its name
// column workload: string -- the internet-exposed workload that uses it
// column width: string -- how wide the workload's exposure is
// column ports: list<string> -- the workload's reachable ports
// column subscription: string -- the subscription the identity owns
MATCH (workload:Entity)-[:USES_IDENTITY]->(identity:ManagedIdentity)-[grant:HAS_ROLE]->(subscription:Subscription)
WHERE workload.exposed = true AND 'Owner' IN grant.roleNames
RETURN identity.id AS identity, identity.name AS identityName, workload.name AS workload,
       workload.exposureWidth AS width, workload.exposedPorts AS ports, coalesce(subscription.displayName, subscription.name) AS subscription
ORDER BY workload, identityName
