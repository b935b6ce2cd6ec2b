package bench

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

// Row is one line of the table: a part, its value, its ceiling (or baseline), their ratio and
// the goal when there is one.
type Row struct {
	Part    string `json:"part"`
	Value   string `json:"value"`
	Ceiling string `json:"ceiling"`
	// Ratio is value/ceiling as the part defines it (Formula says how).
	Ratio   float64 `json:"ratio"`
	Formula string  `json:"formula"`
	// Spread is the lowest and highest ratio of the pairs of turns: what noise does to it.
	Spread []float64 `json:"ratio_spread,omitempty"`
	Goal   string    `json:"goal,omitempty"`
	Met    *bool     `json:"met,omitempty"`
	// Slowdown is how many times slower than its ceiling the part is (1/ratio of rates, the ratio
	// of times); 0 for rows that are budgets or scores rather than speeds.
	Slowdown float64 `json:"slowdown,omitempty"`
	// Figures are the raw numbers, the unit in each key.
	Figures map[string]float64 `json:"figures"`
	Note    string             `json:"note,omitempty"`
	// Why explains the slowdown from the measurements (for the "slowest part" line).
	Why string `json:"why,omitempty"`
}

type run struct {
	b     *testing.B
	began time.Time
	rows  []Row
}

func (r *run) add(row Row) {
	r.rows = append(r.rows, row)
	progress("%s: %s vs %s, ratio %s", row.Part, row.Value, row.Ceiling, ratioText(row))
}

// progress is one line on stderr while the benchmark runs; the table is the only thing on stdout.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func met(ok bool) *bool { return &ok }

func ratioText(row Row) string {
	s := fmt.Sprintf("%.2f", row.Ratio)
	if len(row.Spread) == 2 {
		s += fmt.Sprintf(" (%.2f–%.2f)", row.Spread[0], row.Spread[1])
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", ms(d))
	default:
		return fmt.Sprintf("%.2f ms", ms(d))
	}
}

func rateText(s sample) string {
	return fmt.Sprintf("%.0f/s p50 %s p99 %s", s.rps(), fmtDur(s.q(0.5)), fmtDur(s.q(0.99)))
}

// BenchmarkMeldwijzer measures every part once (b.N is ignored: run it with -benchtime 1x),
// prints the table and writes build/bench.json.
func BenchmarkMeldwijzer(b *testing.B) {
	r := &run{b: b, began: time.Now()}
	progress("%d CPUs, %s/%s, %s", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())

	// BENCH_PARTS (say "guide" or "guide,web") runs some groups of rows only, while working on them.
	parts := strings.Split(os.Getenv("BENCH_PARTS"), ",")
	want := func(p string) bool { return parts[0] == "" || slices.Contains(parts, p) }
	// Everything that compiles comes first, so that no compiler runs during a measurement.
	var bins built
	if want("lambda") || want("web") {
		bins = buildAll(b)
	}
	if want("guide") {
		guideRows(r)
	}
	if want("guide") || want("first") {
		firstMessageRow(r)
	}
	if want("dashboard") {
		dashboardRows(r)
	}
	if want("sector") {
		sectorRows(r)
	}
	if want("intake") || want("lambda") {
		ddb := intakeRows(r)
		if want("lambda") {
			lambdaRows(r, bins, ddb)
		}
		ddb.Stop()
	}
	if want("web") {
		webRows(r, bins)
	}

	took := time.Since(r.began)
	table, slowest := r.render(took)
	fmt.Print(table)
	r.writeJSON(took, slowest)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(took.Seconds(), "s-total")
}

// render is the table, then the slowest part relative to its ceiling and why.
func (r *run) render(took time.Duration) (string, *Row) {
	var sb strings.Builder
	sb.WriteString("\nMeldwijzer bench: each part side by side with its ceiling (loopback, " +
		fmt.Sprint(runtime.NumCPU()) + " CPUs).\nSides A and B run in turns (A B, B A, ...); RATIO is the median over the pairs of turns (lowest–highest pair); cold starts are medians of " + fmt.Sprint(coldStarts) + " starts each.\n\n")
	tw := tabwriter.NewWriter(&sb, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PART\tVALUE\tCEILING / BASELINE\tRATIO\tRATIO =\tGOAL")
	for _, row := range r.rows {
		goal := row.Goal
		if row.Met != nil {
			if *row.Met {
				goal += "  ok"
			} else {
				goal += "  MISSED"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", row.Part, row.Value, row.Ceiling, ratioText(row), row.Formula, goal)
	}
	tw.Flush()
	var slowest *Row
	for i := range r.rows {
		if r.rows[i].Slowdown > 0 && (slowest == nil || r.rows[i].Slowdown > slowest.Slowdown) {
			slowest = &r.rows[i]
		}
	}
	notes := false
	for _, row := range r.rows {
		if row.Note != "" {
			if !notes {
				sb.WriteString("\nNotes:\n")
				notes = true
			}
			fmt.Fprintf(&sb, "- %s: %s\n", row.Part, row.Note)
		}
	}
	if slowest != nil {
		fmt.Fprintf(&sb, "\nSlowest relative to its ceiling: %s, %.1f× its ceiling.\nWhy: %s\n", slowest.Part, slowest.Slowdown, slowest.Why)
	}
	fmt.Fprintf(&sb, "\nTotal run time: %.0f s (including the builds). JSON: %s\n", took.Seconds(), jsonPath())
	return sb.String(), slowest
}

func jsonPath() string {
	if p := os.Getenv("BENCH_JSON"); p != "" {
		return p
	}
	return filepath.Join("..", "build", "bench.json")
}

func (r *run) writeJSON(took time.Duration, slowest *Row) {
	for i := range r.rows {
		for k, v := range r.rows[i].Figures {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				delete(r.rows[i].Figures, k)
			}
		}
	}
	out := map[string]any{
		"started":   r.began.UTC().Format(time.RFC3339),
		"took_s":    math.Round(took.Seconds()*10) / 10,
		"machine":   map[string]any{"cpus": runtime.NumCPU(), "goos": runtime.GOOS, "goarch": runtime.GOARCH, "go": runtime.Version()},
		"rows":      r.rows,
		"slowest":   nil,
		"ratio_doc": "ratio as each row's formula says; ratio_spread is the lowest and highest pair of turns",
	}
	if slowest != nil {
		out["slowest"] = map[string]any{"part": slowest.Part, "slowdown": slowest.Slowdown, "why": slowest.Why}
	}
	raw, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		r.b.Fatal(err)
	}
	p := jsonPath()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.b.Fatal(err)
	}
	if err := os.WriteFile(p, append(raw, '\n'), 0o644); err != nil {
		r.b.Fatal(err)
	}
}
