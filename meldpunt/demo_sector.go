package meldpunt

import "meldwijzer/sector"

// DemoParticipants take part in the demo server's sector view: the two demo institutions and
// seven more fictitious schools that exist only as demo counts (no contacts, no sign-in, never in
// a real deployment), three to a fictitious region, so that the national and regional tables show
// something. SeedDemo fills their counts like the others'.
var DemoParticipants = []sector.Participant{
	{ID: "roc-voorbeeldstad", Region: "demo-noord"},
	{ID: "techniek-college-denkbeeldig", Region: "demo-noord"},
	{ID: "demo-fictief-college-a", Region: "demo-noord"},
	{ID: "demo-fictief-college-b", Region: "demo-midden"},
	{ID: "demo-fictief-college-c", Region: "demo-midden"},
	{ID: "demo-fictief-college-d", Region: "demo-midden"},
	{ID: "demo-fictief-college-e", Region: "demo-zuid"},
	{ID: "demo-fictief-college-f", Region: "demo-zuid"},
	{ID: "demo-fictief-college-g", Region: "demo-zuid"},
}

// DemoSectorOnly are the ids of DemoParticipants that are no institution of the content: the
// demo server seeds their counts beside the demo institutions'.
func DemoSectorOnly(isInstitution func(id string) bool) []string {
	var out []string
	for _, p := range DemoParticipants {
		if !isInstitution(p.ID) {
			out = append(out, p.ID)
		}
	}
	return out
}
