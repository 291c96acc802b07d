// name: exposed-workloads-by-image-digest
// description: Internet-exposed Kubernetes workloads running a given image digest (all digests when empty) — where a vulnerable image is reachable. Needs a recompute.
// param digest: string = "" -- an image digest such as sha256:4fa4…; empty for every digest
// column digest: string -- the running image digest
// column image: string -- registry/repository of the image
// column workload: string -- the workload's id
// column namespace: string -- its namespace
// column width: string -- wide or narrow
// column ports: list<string> -- its reachable ports
MATCH (workload:KubernetesWorkload)-[:OWNS*1..2]->(pod:KubernetesPod)-[:RUNS_IMAGE]->(image:ContainerImage)
WHERE workload.exposed = true AND workload.id = pod.ownerWorkloadId AND ($digest = '' OR image.digest = $digest)
RETURN DISTINCT image.digest AS digest, image.registry + '/' + image.repository AS image, workload.id AS workload,
       workload.namespace AS namespace, workload.exposureWidth AS width, workload.exposedPorts AS ports
ORDER BY digest, workload
