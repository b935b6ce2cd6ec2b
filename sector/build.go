package sector

import (
	"math"
	"slices"

	"meldwijzer"
)

// Build makes the sector view of the quarters from..to (YYYY-Qn) from the participants' counts per
// quarter (ByQuarter: a count's Month is its quarter). The caller decides which quarters may be
// asked for (finished ones only) and reads the counts; Build only sums and suppresses. Counts of
// institutions that are not participants are ignored.
func Build(from, to string, participants []Participant, series []Series, k int) (*Dashboard, error) {
	return (*Memo)(nil).Build(from, to, participants, series, k)
}

// Build is Build with the memo's suppressions of months it has seen with the same figures.
func (memo *Memo) Build(from, to string, participants []Participant, series []Series, k int) (*Dashboard, error) {
	months, err := Quarters(from, to)
	if err != nil {
		return nil, err
	}
	if k < 1 {
		k = DefaultK
	}
	groups, group := Groups(participants)
	d := &Dashboard{From: from, To: to, Institutions: len(participants), Regions: []Region{}, Cells: []Cell{}, Period: []Cell{},
		SuppressedBelow: k, MinInstitutions: MinInstitutions, DominanceP: DominanceP}
	for _, g := range groups {
		n := 0
		for _, p := range participants {
			if group[p.ID] == g {
				n++
			}
		}
		d.Regions = append(d.Regions, Region{ID: g, Institutions: n})
	}
	byMonth := map[string]map[string]map[string][]meldwijzer.Count{} // series → month → participant
	for _, s := range series {
		byMonth[s.Name] = map[string]map[string][]meldwijzer.Count{}
		for id, cs := range s.Counts {
			for _, c := range cs {
				if byMonth[s.Name][c.Month] == nil {
					byMonth[s.Name][c.Month] = map[string][]meldwijzer.Count{}
				}
				byMonth[s.Name][c.Month][id] = append(byMonth[s.Name][c.Month][id], c)
			}
		}
	}
	for _, s := range series {
		var tables []*table
		for _, m := range months {
			t := newTable(s, byMonth[s.Name][m], participants, groups, group)
			memo.suppress(t, k)
			tables = append(tables, t)
			d.Cells = append(d.Cells, t.cells(s.Name, m)...)
		}
		d.Period = append(d.Period, periodCells(s.Name, tables)...)
	}
	return d, nil
}

// cellKey is one figure of a month: scope "" is national, else the group.
type cellKey struct{ geo, dim, value string }

// table is one series' figures of one quarter, with each institution's part of each and the
// equations that tie them (each: cell 0 = the sum of the others).
type table struct {
	keys      []cellKey
	parts     [][]int // per cell, per participant
	hidden    []bool
	equations [][]int
}

// newTable lays out the quarter's cells; counts are the quarter's, per participant.
func newTable(s Series, counts map[string][]meldwijzer.Count, ps []Participant, groups []string, group map[string]string) *table {
	t := &table{}
	index := map[cellKey]int{}
	pos := map[string]int{}
	for i, p := range ps {
		pos[p.ID] = i
	}
	dims := append([]Dimension{{Name: "total", Values: []string{"all"}}}, s.Dimensions...)
	geos := append([]string{""}, groups...)
	for _, g := range geos {
		for _, dim := range dims {
			for _, v := range dim.Values {
				index[cellKey{g, dim.Name, v}] = len(t.keys)
				t.keys = append(t.keys, cellKey{g, dim.Name, v})
				t.parts = append(t.parts, make([]int, len(ps)))
			}
		}
	}
	for _, p := range ps {
		for _, c := range counts[p.ID] {
			for _, g := range []string{"", group[p.ID]} {
				if i, ok := index[cellKey{g, c.Dimension, c.Value}]; ok {
					t.parts[i][pos[p.ID]] += c.N
				}
			}
		}
	}
	for _, g := range geos {
		for _, dim := range s.Dimensions {
			if !dim.Exclusive {
				continue
			}
			eq := []int{index[cellKey{g, "total", "all"}]}
			for _, v := range dim.Values {
				eq = append(eq, index[cellKey{g, dim.Name, v}])
			}
			t.equations = append(t.equations, eq)
		}
	}
	if len(groups) > 0 {
		for _, dim := range dims {
			for _, v := range dim.Values {
				eq := []int{index[cellKey{"", dim.Name, v}]}
				for _, g := range groups {
					eq = append(eq, index[cellKey{g, dim.Name, v}])
				}
				t.equations = append(t.equations, eq)
			}
		}
	}
	t.hidden = make([]bool, len(t.keys))
	return t
}

func (t *table) count(i int) int {
	n := 0
	for _, x := range t.parts[i] {
		n += x
	}
	return n
}

// suppress hides the unsafe cells, then more, until no hidden cell follows from the equations
// and every sum of hidden cells that one equation gives away is safe itself.
func (t *table) suppress(k int) {
	for i := range t.keys {
		t.hidden[i] = !Safe(t.parts[i], k)
	}
	for {
		changed := false
		for _, eq := range t.equations {
			if c := t.unsafeRemainder(eq, k); c >= 0 {
				t.hidden[c] = true
				changed = true
			}
		}
		for _, c := range t.determined() {
			if h := t.complement(c); h >= 0 && !t.hidden[h] {
				t.hidden[h] = true
				changed = true
			}
		}
		if !changed {
			return
		}
	}
}

// unsafeRemainder looks at one equation with its sum shown: the sum of its hidden parts is
// given away, so it must be safe. If it is not, it returns the cell to hide next; else -1.
func (t *table) unsafeRemainder(eq []int, k int) int {
	if t.hidden[eq[0]] {
		return -1
	}
	union := make([]int, len(t.parts[eq[0]]))
	n := 0
	for _, c := range eq[1:] {
		if t.hidden[c] {
			n++
			for i, x := range t.parts[c] {
				union[i] += x
			}
		}
	}
	if n < 2 || Safe(union, k) {
		return -1 // none hidden, or one: then it is determined, which determined() handles
	}
	return t.cheapest(eq)
}

// complement picks the cell to hide so that the determined cell c no longer follows: the cheapest
// shown cell of an equation that holds c, or of any equation with hidden and shown cells.
func (t *table) complement(c int) int {
	for _, eq := range t.equations {
		if slices.Contains(eq, c) {
			if h := t.cheapest(eq); h >= 0 {
				return h
			}
		}
	}
	for _, eq := range t.equations {
		if slices.ContainsFunc(eq, func(i int) bool { return t.hidden[i] }) {
			if h := t.cheapest(eq); h >= 0 {
				return h
			}
		}
	}
	return -1
}

// cheapest is the shown cell of the equation whose hiding costs least: a part before the sum
// (a headline figure stays when it can), then the smallest count; -1 if every cell is hidden.
func (t *table) cheapest(eq []int) int {
	best, bestScore := -1, [2]int{}
	for pos, c := range eq {
		if t.hidden[c] {
			continue
		}
		score := [2]int{0, t.count(c)}
		if pos == 0 {
			score[0] = 1
		}
		if best < 0 || score[0] < bestScore[0] || (score[0] == bestScore[0] && score[1] < bestScore[1]) {
			best, bestScore = c, score
		}
	}
	return best
}

// determined returns the hidden cells whose value follows exactly from the shown cells and the
// equations: Gauss-Jordan elimination over the hidden cells. The coefficients are 0 and ±1 and
// the systems small (an equation per dimension and region), so float64 with a tolerance is exact.
func (t *table) determined() []int {
	col := map[int]int{}
	var unknown []int
	for i, h := range t.hidden {
		if h {
			col[i] = len(unknown)
			unknown = append(unknown, i)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	w := len(unknown)
	var m [][]float64
	for _, eq := range t.equations {
		row := make([]float64, w+1)
		any := false
		for pos, c := range eq {
			coef := -1.0
			if pos == 0 {
				coef = 1
			}
			if j, ok := col[c]; ok {
				row[j] += coef
				any = true
			} else {
				row[w] -= coef * float64(t.count(c))
			}
		}
		if any {
			m = append(m, row)
		}
	}
	const eps = 1e-9
	lead := make([]int, 0, len(m))
	r := 0
	for c := 0; c < w && r < len(m); c++ {
		p := r
		for i := r + 1; i < len(m); i++ {
			if math.Abs(m[i][c]) > math.Abs(m[p][c]) {
				p = i
			}
		}
		if math.Abs(m[p][c]) <= eps {
			continue
		}
		m[r], m[p] = m[p], m[r]
		f := m[r][c]
		for j := c; j <= w; j++ {
			m[r][j] /= f
		}
		for i := range m {
			if i != r && math.Abs(m[i][c]) > eps {
				g := m[i][c]
				for j := c; j <= w; j++ {
					m[i][j] -= g * m[r][j]
				}
			}
		}
		lead = append(lead, c)
		r++
	}
	var out []int
	for row, c := range lead {
		alone := true
		for j := c + 1; j < w; j++ {
			if math.Abs(m[row][j]) > eps {
				alone = false
				break
			}
		}
		if alone {
			out = append(out, unknown[c])
		}
	}
	return out
}

// cells are the quarter's figures, national first, then each group.
func (t *table) cells(series, month string) []Cell {
	out := make([]Cell, 0, len(t.keys))
	for i, key := range t.keys {
		c := Cell{Series: series, Scope: ScopeNational, Region: key.geo, Quarter: month, Dimension: key.dim, Value: key.value, Suppressed: t.hidden[i]}
		if key.geo != "" {
			c.Scope = ScopeRegion
		}
		if !c.Suppressed {
			n := t.count(i)
			c.Count = &n
		}
		out = append(out, c)
	}
	return out
}

// periodCells sums each figure over the quarters; a sum is shown only when every quarter's part
// is, so it tells nothing the quarters do not.
func periodCells(series string, tables []*table) []Cell {
	first := tables[0]
	out := make([]Cell, 0, len(first.keys))
	for i, key := range first.keys {
		c := Cell{Series: series, Scope: ScopeNational, Region: key.geo, Dimension: key.dim, Value: key.value}
		if key.geo != "" {
			c.Scope = ScopeRegion
		}
		n := 0
		for _, t := range tables {
			if t.hidden[i] {
				c.Suppressed = true
				break
			}
			n += t.count(i)
		}
		if !c.Suppressed {
			c.Count = &n
		}
		out = append(out, c)
	}
	return out
}

// Participating picks the institutions that take part in the sector view.
func Participating(list []*meldwijzer.Institution) []Participant {
	var out []Participant
	for _, inst := range list {
		if inst.Sector {
			out = append(out, Participant{ID: inst.ID, Region: inst.Region})
		}
	}
	return out
}
