package api

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"

	"meldwijzer/dashboard"
	"meldwijzer/meldpunt"
)

// dashboardOf reads the dashboard of the request's institution and period.
func (s *Server) dashboardOf(r *http.Request, withCases bool) (*meldpunt.Dashboard, error) {
	q := r.URL.Query()
	return s.meldpunt.Dashboard(r.Context(), staff(r), q.Get("from"), q.Get("to"), withCases)
}

func (s *Server) getDashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dashboardOf(r, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// getDashboardCSV is the same cells as CSV, for a spreadsheet: month ("all" for the period),
// dimension, value, count (empty when suppressed), suppressed, and series (reports or incidents).
func (s *Server) getDashboardCSV(w http.ResponseWriter, r *http.Request) error {
	d, err := s.dashboardOf(r, false)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="meldwijzer-`+d.Institution+"-"+d.From+"-"+d.To+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"month", "dimension", "value", "count", "suppressed", "series"})
	cells := append(slices.Clone(d.Cells), d.Period...)
	for _, series := range []string{dashboard.Reports.Name, dashboard.Incidents.Name} {
		if n, ok := d.Totals[series]; ok {
			cells = append(cells, dashboard.Cell{Series: series, Dimension: "total", Value: "all", Count: n, Suppressed: n == nil})
		}
	}
	for _, c := range cells {
		month, count := c.Month, ""
		if month == "" {
			month = "all"
		}
		if c.Count != nil {
			count = strconv.Itoa(*c.Count)
		}
		_ = cw.Write([]string{month, c.Dimension, c.Value, count, strconv.FormatBool(c.Suppressed), c.Series})
	}
	cw.Flush()
	return cw.Error()
}
