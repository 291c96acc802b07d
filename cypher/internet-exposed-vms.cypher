// name: internet-exposed-vms
// description: Virtual machines and scale sets the internet can reach, with their open ports, most severe first. Needs a recompute.
// param width: string = "" -- only this exposure width, wide or narrow; empty for both
// column id: string -- the workload's id (lowercased ARM id)
// column name: string -- the workload's name
// column kind: string -- VirtualMachine or VirtualMachineScaleSet
// column width: string -- wide (any internet address) or narrow (specific prefixes)
// column ports: list<string> -- reachable destination ports, e.g. tcp/443, udp/5000-5010, icmp
// column severity: string -- critical, high, medium, low or none
MATCH (w:Entity)
WHERE w.kind IN ['VirtualMachine', 'VirtualMachineScaleSet']
  AND w.exposed = true
  AND ($width = '' OR w.exposureWidth = $width)
RETURN w.id AS id, w.name AS name, w.kind AS kind, w.exposureWidth AS width, w.exposedPorts AS ports, w.severity AS severity
ORDER BY coalesce(w.severityScore, 0) DESC, name
