// Package dashboard turns an institution's pre-aggregated counts into the dashboard's cells,
// with small counts suppressed: a count under k is hidden, and so are enough other cells that no
// hidden count can be worked out from the published totals and sums.
//
// Suppression is decided for each month on its own counts alone, never for a query: a month's
// cells are the same in every period that includes it. A period's sums are published only when
// every month's part is, so they add nothing that the months do not show. So no combination of
// queries (Jan–Mar against Jan–Feb, before and after a report) recovers a hidden count: all they
// can publish is the union of the months' own tables, each safe on its own.
package dashboard

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"meldwijzer"
)

// DefaultK is the smallest count shown.
const DefaultK = 5

// Dimensions shown, in order. "total" is each month's number of reports.
var Dimensions = []string{"total", "theme", "where", "audience", "ground"}

// exclusive dimensions hold exactly one value per report, so their values add up to the total.
var exclusive = []string{"theme", "where", "audience"}

// Series is one kind of counted item: its dimensions ("total" first), those that hold exactly
// one value per item (so that their values add up to the month's total: the equations that
// suppression keeps unsolvable), and the values of dimensions that are its own.
type Series struct {
	Name       string
	Dimensions []string
	Exclusive  []string
	Values     map[string][]string
}

// The series: the anonymous reports, and the incidents that staff register (whose dimensions
// are meldwijzer.IncidentDimensions).
var (
	Reports   = Series{Name: "reports", Dimensions: Dimensions, Exclusive: exclusive}
	Incidents = Series{
		Name:       "incidents",
		Dimensions: meldwijzer.IncidentDimensions,
		Exclusive:  []string{"theme", "where", "serious"},
		Values: map[string][]string{
			"involved": meldwijzer.IncidentInvolved, "category": meldwijzer.IncidentCategories,
			"serious": {meldwijzer.SeriousYes, meldwijzer.SeriousNo},
		},
	}
)

// Cell is one published count. Count is nil when Suppressed.
type Cell struct {
	// Series is "reports" or "incidents".
	Series     string `json:"series"`
	Month      string `json:"month"` // YYYY-MM, or "" for the whole period
	Dimension  string `json:"dimension"`
	Value      string `json:"value"`
	Count      *int   `json:"count"`
	Suppressed bool   `json:"suppressed,omitempty"`
}

// Dashboard is an institution's counts for a period.
type Dashboard struct {
	Institution string `json:"institution"`
	From        string `json:"from"`
	To          string `json:"to"`
	// Total is the number of reports in the period (nil when suppressed); Totals is each
	// series' (nil when suppressed).
	Total  *int            `json:"total"`
	Totals map[string]*int `json:"totals"`
	// Cells are the counts per month; Period the same summed over the period.
	Cells           []Cell `json:"cells"`
	Period          []Cell `json:"period"`
	SuppressedBelow int    `json:"suppressedBelow"`
}

// Months returns the months from..to inclusive (YYYY-MM), or an error for a bad range. A range
// is at most 36 months.
func Months(from, to string) ([]string, error) {
	f, err1 := time.Parse("2006-01", from)
	t, err2 := time.Parse("2006-01", to)
	switch {
	case err1 != nil || err2 != nil:
		return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "from and to must be months as YYYY-MM")
	case t.Before(f):
		return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "to comes before from")
	}
	var months []string
	for m := f; !m.After(t); m = m.AddDate(0, 1, 0) {
		months = append(months, m.Format("2006-01"))
		if len(months) > 36 {
			return nil, meldwijzer.Errorf(meldwijzer.EINVALID, "a period is at most 36 months")
		}
	}
	return months, nil
}

// Build makes the dashboard from counts (any order; months outside from..to are ignored).
// values lists every value of each dimension (taxonomy ids), so that zero cells are published as
// zero rather than left out.
func Build(institution, from, to string, counts []meldwijzer.Count, values map[string][]string, k int) (*Dashboard, error) {
	return BuildSeries(Reports, institution, from, to, counts, values, k)
}

// Add appends another series' dashboard of the same institution and period to d: its cells
// and its total. Each series is suppressed on its own counts: they share no item.
func (d *Dashboard) Add(other *Dashboard) {
	d.Cells = append(d.Cells, other.Cells...)
	d.Period = append(d.Period, other.Period...)
	for name, n := range other.Totals {
		d.Totals[name] = n
	}
}

// BuildSeries makes the dashboard of one series; its cells carry the series' name.
func BuildSeries(series Series, institution, from, to string, counts []meldwijzer.Count, values map[string][]string, k int) (*Dashboard, error) {
	months, err := Months(from, to)
	if err != nil {
		return nil, err
	}
	if k < 1 {
		k = DefaultK
	}
	sums := map[[2]string]int{}      // period sum per (dimension, value)
	complete := map[[2]string]bool{} // every month's part of it is published
	d := &Dashboard{Institution: institution, From: from, To: to, SuppressedBelow: k, Cells: []Cell{}, Period: []Cell{}, Totals: map[string]*int{}}
	for _, month := range months {
		t := newTable(series, []string{month}, values)
		for _, c := range counts {
			if i, ok := t.index[key{c.Month, c.Dimension, c.Value}]; ok {
				t.n[i] += c.N
			}
		}
		t.suppress(k)
		for i, c := range t.keys {
			dv := [2]string{c.dim, c.value}
			if _, seen := complete[dv]; !seen {
				complete[dv] = true
			}
			cell := Cell{Series: series.Name, Month: c.month, Dimension: c.dim, Value: c.value, Suppressed: t.hidden[i]}
			if cell.Suppressed {
				complete[dv] = false
			} else {
				n := t.n[i]
				cell.Count = &n
				sums[dv] += n
			}
			d.Cells = append(d.Cells, cell)
		}
	}
	// The period: each sum published only when all its parts are (then it adds nothing).
	t := newTable(series, nil, values)
	for _, c := range t.keys {
		dv := [2]string{c.dim, c.value}
		cell := Cell{Series: series.Name, Dimension: c.dim, Value: c.value, Suppressed: !complete[dv]}
		if !cell.Suppressed {
			n := sums[dv]
			cell.Count = &n
		}
		if c.dim == "total" {
			d.Totals[series.Name] = cell.Count
			if series.Name == Reports.Name {
				d.Total = cell.Count
			}
			continue
		}
		d.Period = append(d.Period, cell)
	}
	return d, nil
}

type key struct{ month, dim, value string }

// table holds every cell of one month and the equations that tie them: the month's total is
// the sum of each exclusive dimension's values. (With no months it is the list of the period's
// cells, without equations.)
type table struct {
	keys      []key
	index     map[key]int
	n         []int
	hidden    []bool
	equations [][]int // each: cell 0 = the sum of the others
}

func newTable(series Series, months []string, values map[string][]string) *table {
	t := &table{index: map[key]int{}}
	add := func(k key) int {
		if i, ok := t.index[k]; ok {
			return i
		}
		t.index[k] = len(t.keys)
		t.keys = append(t.keys, k)
		return len(t.keys) - 1
	}
	dims := map[string][]string{"total": {"all"}}
	for _, d := range series.Dimensions[1:] {
		dims[d] = values[d]
		if v, ok := series.Values[d]; ok {
			dims[d] = v
		}
	}
	if len(months) == 0 {
		months = []string{""}
	}
	for _, m := range months {
		for _, d := range series.Dimensions {
			for _, v := range dims[d] {
				add(key{m, d, v})
			}
		}
	}
	t.n = make([]int, len(t.keys))
	t.hidden = make([]bool, len(t.keys))
	for _, m := range months {
		for _, d := range series.Exclusive {
			eq := []int{t.index[key{m, "total", "all"}]}
			for _, v := range dims[d] {
				eq = append(eq, t.index[key{m, d, v}])
			}
			t.equations = append(t.equations, eq)
		}
	}
	return t
}

// suppress hides every count from 1 to k-1, then, while any hidden count can be worked out
// exactly from the published ones (by solving the equations), hides one more count: of the
// smallest published counts that share an equation with an exposed one, the one that leaves
// the fewest counts exposed (a greedy step with one step of lookahead).
func (t *table) suppress(k int) {
	for i, n := range t.n {
		if n > 0 && n < k {
			t.hidden[i] = true
		}
	}
	for {
		exposed := t.disclosed()
		if len(exposed) == 0 {
			return
		}
		best, bestScore := -1, 0
		for _, c := range t.candidates(exposed) {
			t.hidden[c] = true
			score := len(t.disclosed())
			t.hidden[c] = false
			if best < 0 || score < bestScore {
				best, bestScore = c, score
			}
		}
		if best < 0 {
			return // every count is hidden already
		}
		t.hidden[best] = true
	}
}

// maxCandidates bounds the lookahead's work per step.
const maxCandidates = 12

// candidates are the published counts that share an equation with an exposed count, smallest
// non-zero counts first, then zeros.
func (t *table) candidates(exposed []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, eq := range t.equations {
		if !slices.ContainsFunc(eq, func(c int) bool { return slices.Contains(exposed, c) }) {
			continue
		}
		for _, c := range eq {
			if !t.hidden[c] && !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	slices.SortFunc(out, func(a, b int) int {
		if (t.n[a] > 0) != (t.n[b] > 0) {
			if t.n[a] > 0 {
				return -1
			}
			return 1
		}
		if t.n[a] != t.n[b] {
			return t.n[a] - t.n[b]
		}
		return a - b
	})
	return out[:min(len(out), maxCandidates)]
}

// disclosed returns the hidden cells whose value follows exactly from the published cells and
// the equations, in cell order. It solves the equations by Gauss-Jordan elimination; their
// coefficients are 0 and ±1, so float64 with a tolerance is exact enough.
func (t *table) disclosed() []int {
	col := map[int]int{}
	var unknowns []int
	for i, h := range t.hidden {
		if h {
			col[i] = len(unknowns)
			unknowns = append(unknowns, i)
		}
	}
	if len(unknowns) == 0 {
		return nil
	}
	n := len(unknowns)
	var rows [][]float64
	for _, eq := range t.equations {
		row := make([]float64, n+1)
		has := false
		for pos, c := range eq {
			sign := -1.0
			if pos == 0 {
				sign = 1
			}
			if j, ok := col[c]; ok {
				row[j] += sign
				has = true
			} else {
				row[n] -= sign * float64(t.n[c])
			}
		}
		if has {
			rows = append(rows, row)
		}
	}
	const eps = 1e-9
	var pivots []int
	r := 0
	for c := 0; c < n && r < len(rows); c++ {
		p := -1
		for i := r; i < len(rows); i++ {
			if math.Abs(rows[i][c]) > eps && (p < 0 || math.Abs(rows[i][c]) > math.Abs(rows[p][c])) {
				p = i
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		inv := 1 / rows[r][c]
		for j := range rows[r] {
			rows[r][j] *= inv
		}
		for i := range rows {
			if i == r || math.Abs(rows[i][c]) <= eps {
				continue
			}
			f := rows[i][c]
			for j := range rows[i] {
				rows[i][j] -= f * rows[r][j]
			}
		}
		pivots = append(pivots, c)
		r++
	}
	var out []int
	for row, p := range pivots {
		single := true
		for j := range n {
			if j != p && math.Abs(rows[row][j]) > eps {
				single = false
				break
			}
		}
		if single {
			out = append(out, unknowns[p])
		}
	}
	sort.Ints(out)
	return out
}

// String is for test failures.
func (c Cell) String() string {
	if c.Count == nil {
		return fmt.Sprintf("%s/%s/%s=hidden", c.Month, c.Dimension, c.Value)
	}
	return fmt.Sprintf("%s/%s/%s=%d", c.Month, c.Dimension, c.Value, *c.Count)
}

func timeOf(month string) (time.Time, error) { return time.Parse("2006-01", month) }
