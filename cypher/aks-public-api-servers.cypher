// name: aks-public-api-servers
// description: AKS clusters whose Kubernetes API server is reachable from the internet, and how widely.
// column id: string -- the cluster's id
// column name: string -- the cluster's name
// column fqdn: string -- the API server's address
// column width: string -- wide (no authorized IP ranges) or narrow
// column authorizedIpRanges: list<string> -- the ranges allowed to reach it
// column version: string -- the Kubernetes version
MATCH (cluster:ManagedCluster)
WHERE coalesce(cluster.privateCluster, false) = false
RETURN cluster.id AS id, cluster.name AS name, cluster.apiServerFqdn AS fqdn,
       CASE WHEN size(coalesce(cluster.authorizedIpRanges, [])) = 0 THEN 'wide' ELSE 'narrow' END AS width,
       coalesce(cluster.authorizedIpRanges, []) AS authorizedIpRanges, cluster.kubernetesVersion AS version
ORDER BY width DESC, name
