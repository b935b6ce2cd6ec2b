package api

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"time"

	"meldwijzer"
	"meldwijzer/dashboard"
)

// cases counts the open cases and those past a deadline.
type cases struct {
	Open               int `json:"open"`
	OverdueAcknowledge int `json:"overdueAcknowledge"`
	OverdueFeedback    int `json:"overdueFeedback"`
}

// buildDashboard reads the period's pre-aggregated counts (never the reports) and suppresses
// the small ones.
func (s *Server) buildDashboard(r *http.Request) (*dashboard.Dashboard, error) {
	q := r.URL.Query()
	now := s.now().UTC()
	from, to := q.Get("from"), q.Get("to")
	if to == "" {
		to = now.Format("2006-01")
	}
	if from == "" {
		t, _ := time.Parse("2006-01", to)
		from = t.AddDate(0, -11, 0).Format("2006-01")
	}
	if _, err := dashboard.Months(from, to); err != nil {
		return nil, err
	}
	counts, err := s.store.Counts(r.Context(), r.PathValue("id"), from, to)
	if err != nil {
		return nil, err
	}
	values := map[string][]string{}
	for _, d := range []string{"theme", "where", "audience", "ground"} {
		values[d] = s.content.IDs(d)
	}
	return dashboard.Build(r.PathValue("id"), from, to, counts, values, s.k)
}

func (s *Server) getDashboard(w http.ResponseWriter, r *http.Request) error {
	d, err := s.buildDashboard(r)
	if err != nil {
		return err
	}
	open, err := s.openReports(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	var c cases
	for _, rep := range open {
		c.Open++
		view := s.caseOf(rep, false)
		if slices.Contains(view.Overdue, "acknowledge") {
			c.OverdueAcknowledge++
		}
		if slices.Contains(view.Overdue, "feedback") {
			c.OverdueFeedback++
		}
	}
	writeJSON(w, http.StatusOK, struct {
		*dashboard.Dashboard
		Cases cases `json:"cases"`
	}{d, c})
	return nil
}

// getDashboardCSV is the same cells as CSV, for a spreadsheet: month ("all" for the period),
// dimension, value, count (empty when suppressed), suppressed.
func (s *Server) getDashboardCSV(w http.ResponseWriter, r *http.Request) error {
	d, err := s.buildDashboard(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="meldwijzer-`+d.Institution+"-"+d.From+"-"+d.To+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"month", "dimension", "value", "count", "suppressed"})
	total := dashboard.Cell{Dimension: "total", Value: "all", Count: d.Total, Suppressed: d.Total == nil}
	for _, c := range append(append(slices.Clone(d.Cells), d.Period...), total) {
		month, count := c.Month, ""
		if month == "" {
			month = "all"
		}
		if c.Count != nil {
			count = strconv.Itoa(*c.Count)
		}
		_ = cw.Write([]string{month, c.Dimension, c.Value, count, strconv.FormatBool(c.Suppressed)})
	}
	cw.Flush()
	return cw.Error()
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

func sortNewestFirst(rs []*meldwijzer.Report) {
	slices.SortFunc(rs, func(a, b *meldwijzer.Report) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		if a.ID > b.ID {
			return -1
		}
		if a.ID < b.ID {
			return 1
		}
		return 0
	})
}
