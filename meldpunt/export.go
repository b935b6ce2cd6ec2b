package meldpunt

import (
	"context"

	"meldwijzer/auth"
)

// ExportVersion is the version of the export's schema (docs/export-schema.md). A change that
// renames, removes or changes the meaning of a field is a new version.
const ExportVersion = 1

// Export is an institution's counts per month for the Monitor Integrale Veiligheid or the
// Inspectie: the dashboard's monthly cells of both series. A handler's are exact (they read the
// reports themselves); anyone else's are suppressed exactly like their dashboard.
type Export struct {
	Dashboard *Dashboard
	// Exact is true when no count is suppressed.
	Exact bool
}

// Export reads the institution's export for months from..to (the dashboard's defaults).
func (s *Service) Export(ctx context.Context, who Staff, from, to string) (*Export, error) {
	k, exact := s.k, who.Has(auth.RoleHandler)
	if exact {
		k = 1 // no count from 1 up is under 1: nothing is hidden
	}
	d, err := s.dashboard(ctx, who, from, to, false, k)
	if err != nil {
		return nil, err
	}
	return &Export{Dashboard: d, Exact: exact}, nil
}
