// name: untrusted-registry-images-in-production
// description: Containers in production namespaces running images from registries that are neither the estate's Azure Container Registries nor explicitly trusted.
// param trustedRegistries: list<string> = ["mcr.microsoft.com"] -- registries trusted besides the estate's ACRs
// param namespaces: list<string> = [] -- the production namespaces; empty for every namespace not excluded
// param excludeNamespaces: list<string> = ["kube-system", "kube-public", "kube-node-lease", "gatekeeper-system"] -- namespaces never counted as production
// column workload: string -- the workload's id
// column namespace: string -- its namespace
// column container: string -- the container running the image
// column registry: string -- the untrusted registry
// column repository: string -- the image repository
// column digest: string -- the running digest
// column exposed: boolean -- whether the internet reaches the workload
OPTIONAL MATCH (registry:ContainerRegistry)
WITH collect(registry.loginServer) + $trustedRegistries AS trusted
MATCH (workload:KubernetesWorkload)-[:OWNS*1..2]->(pod:KubernetesPod)-[run:RUNS_IMAGE]->(image:ContainerImage)
WHERE workload.id = pod.ownerWorkloadId
  AND NOT image.registry IN trusted
  AND (size($namespaces) = 0 OR pod.namespace IN $namespaces)
  AND NOT pod.namespace IN $excludeNamespaces
RETURN DISTINCT workload.id AS workload, pod.namespace AS namespace, run.container AS container, image.registry AS registry,
       image.repository AS repository, image.digest AS digest, coalesce(workload.exposed, false) AS exposed
ORDER BY exposed DESC, namespace, workload, container
