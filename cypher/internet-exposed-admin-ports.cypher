// name: internet-exposed-admin-ports
// description: Workloads whose management ports (SSH, RDP, WinRM, Telnet…) the internet can reach. Needs a recompute.
// column id: string -- the workload's id
// column name: string -- the workload's name
// column width: string -- wide or narrow
// column adminPorts: list<string> -- the exposed management ports
MATCH (w:Entity)
WHERE w.exposed = true AND size(coalesce(w.factorAdminPortsExposed, [])) > 0
RETURN w.id AS id, w.name AS name, w.exposureWidth AS width, w.factorAdminPortsExposed AS adminPorts
ORDER BY name
