// name: exposure-changes
// description: Workloads whose internet exposure changed in the latest recompute (newly exposed, closed, or other ports or width).
// column id: string -- the workload's id
// column name: string -- the workload's name
// column exposed: boolean -- exposed now
// column previouslyExposed: boolean -- exposed in the run before (null on its first analysis)
// column ports: list<string> -- reachable ports now
// column previousPorts: list<string> -- reachable ports in the run before
// column changedAt: string -- when the change was first seen (ISO-8601)
MATCH (w:Entity)
WHERE w.analysedAt IS NOT NULL AND w.exposureChangedAt = w.analysedAt
RETURN w.id AS id, w.name AS name, w.exposed AS exposed, w.previousExposed AS previouslyExposed,
       w.exposedPorts AS ports, w.previousExposedPorts AS previousPorts, w.exposureChangedAt AS changedAt
ORDER BY name
