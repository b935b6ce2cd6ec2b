package api

import (
	"encoding/csv"
	"net/http"
	"strconv"

	"meldwijzer/dashboard"
	"meldwijzer/meldpunt"
)

// The export (docs/export-schema.md, version meldpunt.ExportVersion): an institution's counts per
// month and dimension, of the reports and the incidents, as JSON or CSV.

// exportRow is one count of one month.
type exportRow struct {
	Series     string `json:"series"`
	Month      string `json:"month"`
	Dimension  string `json:"dimension"`
	Value      string `json:"value"`
	Count      *int   `json:"count"`
	Suppressed bool   `json:"suppressed"`
}

type exportDoc struct {
	Schema      string `json:"schema"`
	Version     int    `json:"version"`
	Institution struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"institution"`
	From string `json:"from"`
	To   string `json:"to"`
	// SuppressedBelow is the k of the suppression, or null when the counts are exact.
	SuppressedBelow *int        `json:"suppressedBelow"`
	Rows            []exportRow `json:"rows"`
}

// exportSchema names the document, so that a reader knows what it holds before its version.
const exportSchema = "meldwijzer-export"

func (s *Server) exportOf(r *http.Request) (*exportDoc, error) {
	q := r.URL.Query()
	e, err := s.meldpunt.Export(r.Context(), staff(r), q.Get("from"), q.Get("to"))
	if err != nil {
		return nil, err
	}
	d := e.Dashboard
	doc := &exportDoc{Schema: exportSchema, Version: meldpunt.ExportVersion, From: d.From, To: d.To, Rows: []exportRow{}}
	doc.Institution.ID = d.Institution
	if inst := s.institution(d.Institution); inst != nil {
		doc.Institution.Name = inst.Name
	}
	if !e.Exact {
		k := d.SuppressedBelow
		doc.SuppressedBelow = &k
	}
	// The series in a fixed order, each month's cells in the dashboard's order.
	for _, series := range []string{dashboard.Reports.Name, dashboard.Incidents.Name} {
		for _, c := range d.Cells {
			if c.Series == series {
				doc.Rows = append(doc.Rows, exportRow{c.Series, c.Month, c.Dimension, c.Value, c.Count, c.Suppressed})
			}
		}
	}
	return doc, nil
}

func (s *Server) getExportJSON(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.exportOf(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportFile(doc)+`.json"`)
	writeJSON(w, http.StatusOK, doc)
	return nil
}

// getExportCSV is the same rows as CSV; every row carries the schema's version, so that a file
// read on its own still says which version it is.
func (s *Server) getExportCSV(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.exportOf(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportFile(doc)+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"version", "institution", "series", "month", "dimension", "value", "count", "suppressed"})
	version := strconv.Itoa(doc.Version)
	for _, row := range doc.Rows {
		count := ""
		if row.Count != nil {
			count = strconv.Itoa(*row.Count)
		}
		_ = cw.Write([]string{version, doc.Institution.ID, row.Series, row.Month, row.Dimension, row.Value, count, strconv.FormatBool(row.Suppressed)})
	}
	cw.Flush()
	return cw.Error()
}

func exportFile(doc *exportDoc) string {
	return "meldwijzer-export-v" + strconv.Itoa(doc.Version) + "-" + doc.Institution.ID + "-" + doc.From + "-" + doc.To
}
