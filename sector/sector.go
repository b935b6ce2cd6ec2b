// Package sector is the sector view's domain: figures across the institutions that chose to take
// part, national and per region, with every cell suppressed that could tell anyone (a participating
// institution included, which knows its own counts exactly) something about one institution.
//
// The rules (docs/design.md, "The sector view"):
//   - A cell is shown only when it covers at least k items and at least 3 institutions, and when,
//     after taking away any one institution's part, at least k items of at least 2 institutions
//     remain: an institution that subtracts its own count is left with a sum of at least two others.
//   - Dominance (the p% rule): the items of all but the two largest contributors must be at least
//     DominanceP percent of the largest, so that the second largest cannot estimate the largest.
//   - Regions are groups of at least 3 participants; the participants of smaller regions (and those
//     without one) are grouped as "overig", and when that group would have 1 or 2 participants the
//     smallest region joins it. So national = the sum of the groups, each group has 3 or more.
//   - Complementary suppression, per quarter and series: national and each group's total is the sum
//     of each exclusive dimension's values, and each national cell the sum of its groups' cells.
//     More cells are hidden until no hidden cell can be worked out from these equations, and until
//     every sum of hidden cells that one equation gives away passes the rules above.
//   - Time: calendar quarters that have ended (quarter.go). A quarter is suppressed on its own
//     counts, so it looks the same in every period; a period's sum is shown only when every
//     quarter's part is. Never the current quarter; never a per-institution figure.
package sector

import (
	"slices"
	"sort"
	"strings"

	"meldwijzer"
)

// Rules.
const (
	// DefaultK is the smallest number of items a cell covers.
	DefaultK = 5
	// MinInstitutions is the smallest number of institutions a cell or a region covers.
	MinInstitutions = 3
	// DominanceP is the p of the p% rule, in percent.
	DominanceP = 20
	// Other is the group of the participants whose region has too few participants.
	Other = "overig"
)

// Scopes of a cell.
const (
	ScopeNational = "national"
	ScopeRegion   = "region"
)

// Participant is an institution that takes part, with its region ("" when it has none).
type Participant struct {
	ID     string
	Region string
}

// Dimension is one of a series' dimensions. The values of an Exclusive dimension add up to the
// total (each item has exactly one); the others (grounds, categories) may hold several per item.
type Dimension struct {
	Name      string
	Values    []string
	Exclusive bool
}

// Series is one kind of counted item (reports, incidents) with the counts of each participant.
// Counts use the store's keys: dimension "total" with value "all" is the number of items.
type Series struct {
	Name       string
	Dimensions []Dimension
	Counts     map[string][]meldwijzer.Count // by participant id
}

// Region is a group of participants shown on its own: a region or Other.
type Region struct {
	ID           string `json:"id"`
	Institutions int    `json:"institutions"`
}

// Cell is one published figure. Count is nil when Suppressed. Region is set for ScopeRegion.
type Cell struct {
	Series     string `json:"series"`
	Scope      string `json:"scope"`
	Region     string `json:"region,omitempty"`
	Quarter    string `json:"quarter,omitempty"` // YYYY-Qn; "" in Period
	Dimension  string `json:"dimension"`
	Value      string `json:"value"`
	Count      *int   `json:"count"`
	Suppressed bool   `json:"suppressed,omitempty"`
}

// Dashboard is the sector view of a period of whole quarters.
type Dashboard struct {
	From string `json:"from"` // YYYY-Qn
	To   string `json:"to"`
	// Institutions is the number of participants; Regions the groups shown on their own (none
	// when there would be fewer than two).
	Institutions    int      `json:"institutions"`
	Regions         []Region `json:"regions"`
	Cells           []Cell   `json:"cells"`
	Period          []Cell   `json:"period"`
	SuppressedBelow int      `json:"suppressedBelow"`
	MinInstitutions int      `json:"minInstitutions"`
	DominanceP      int      `json:"dominanceP"`
}

// Groups splits the participants into the groups shown per region: each region with at least
// MinInstitutions participants, and Other for the rest, which has at least MinInstitutions
// participants or none. It returns the groups' ids in order (Other last) and each participant's
// group; fewer than two groups means no regional figures at all.
func Groups(ps []Participant) ([]string, map[string]string) {
	members := map[string][]string{}
	for _, p := range ps {
		r := strings.TrimSpace(p.Region)
		if r == "" {
			r = Other
		}
		members[r] = append(members[r], p.ID)
	}
	var shown []string
	var rest []string
	for r, m := range members {
		if r != Other && len(m) >= MinInstitutions {
			shown = append(shown, r)
		} else {
			rest = append(rest, m...)
		}
	}
	// The smallest regions join Other until it is empty or big enough: otherwise national minus
	// the regions would be the sum of one or two institutions.
	sort.Slice(shown, func(a, b int) bool {
		if len(members[shown[a]]) != len(members[shown[b]]) {
			return len(members[shown[a]]) > len(members[shown[b]])
		}
		return shown[a] < shown[b]
	})
	for len(rest) > 0 && len(rest) < MinInstitutions && len(shown) > 0 {
		last := shown[len(shown)-1]
		shown = shown[:len(shown)-1]
		rest = append(rest, members[last]...)
	}
	group := map[string]string{}
	for _, r := range shown {
		for _, id := range members[r] {
			group[id] = r
		}
	}
	for _, id := range rest {
		group[id] = Other
	}
	slices.Sort(shown)
	if len(rest) > 0 {
		shown = append(shown, Other)
	}
	if len(shown) < 2 {
		return nil, group
	}
	return shown, group
}

// Safe says whether a cell with these contributions (one count per institution) may be shown.
func Safe(parts []int, k int) bool {
	total, n, first, second := 0, 0, 0, 0
	for _, x := range parts {
		if x <= 0 {
			continue
		}
		total += x
		n++
		switch {
		case x > first:
			first, second = x, first
		case x > second:
			second = x
		}
	}
	return total >= k && n >= MinInstitutions &&
		total-first >= k && // any one institution's part taken away: k items of 2 or more remain
		(total-first-second)*100 >= DominanceP*first
}
