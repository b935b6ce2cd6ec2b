package api

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"

	"meldwijzer/auth"
	"meldwijzer/sector"
)

// sectorOnly: the sector view is for the sector role alone; a school's roles get 403.
var sectorOnly = []string{auth.RoleSector}

func (s *Server) sectorView(r *http.Request) (*sector.Dashboard, error) {
	q := r.URL.Query()
	return s.meldpunt.SectorDashboard(r.Context(), q.Get("from"), q.Get("to"))
}

func (s *Server) getSectorDashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := s.sectorView(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// getSectorDashboardCSV is the same cells as CSV: series, scope, region, quarter ("all" for the
// period), dimension, value, count (empty when suppressed), suppressed.
func (s *Server) getSectorDashboardCSV(w http.ResponseWriter, r *http.Request) error {
	d, err := s.sectorView(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="meldwijzer-sector-`+d.From+"-"+d.To+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"series", "scope", "region", "quarter", "dimension", "value", "count", "suppressed"})
	for _, c := range append(slices.Clone(d.Cells), d.Period...) {
		month, count := c.Quarter, ""
		if month == "" {
			month = "all"
		}
		if c.Count != nil {
			count = strconv.Itoa(*c.Count)
		}
		_ = cw.Write([]string{c.Series, c.Scope, c.Region, month, c.Dimension, c.Value, count, strconv.FormatBool(c.Suppressed)})
	}
	cw.Flush()
	return cw.Error()
}
