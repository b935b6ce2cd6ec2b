// Package sectortest plays the attacker against the sector view: a participating institution
// that knows its own counts exactly and has seen every sector figure it was allowed to ask for
// (every period, national and per region, JSON and CSV). Tests in sector/ and api/ use it.
package sectortest

import (
	"fmt"
	"slices"

	"meldwijzer/sector"
)

// prime is the modulus of the exact elimination: a vector is in the span of the equations over
// the rationals exactly when it is modulo a large prime, but for a vanishing set of primes that
// divide one of the system's (small) minors.
const prime = 2147483647

type unknown struct {
	inst, series, month, dim, value string
}

// Attack returns what each participant could work out beyond its own counts from the figures it
// saw: another institution's count in any quarter or over all the quarters seen, or the value of any
// hidden cell. Empty means nothing. series holds the dimensions and each participant's true
// counts: the attacker's own, and the check that every figure shown is the sum of the counts.
func Attack(participants []sector.Participant, series []sector.Series, seen []*sector.Dashboard) []string {
	return attack(participants, series, seen, false)
}

// AttackCombinations is Attack that also looks for any sum or difference of one other
// institution's counts that the attacker could work out beyond what every school's counts obey
// (an exclusive dimension adds up to the total): for example one school's reports on two hidden
// themes together. It costs an elimination per pair of schools, so tests give it smaller worlds.
func AttackCombinations(participants []sector.Participant, series []sector.Series, seen []*sector.Dashboard) []string {
	return attack(participants, series, seen, true)
}

func attack(participants []sector.Participant, series []sector.Series, seen []*sector.Dashboard, combinations bool) []string {
	groups, group := sector.Groups(participants)
	members := func(scope, region string) []string {
		var out []string
		for _, p := range participants {
			if scope == sector.ScopeNational || (len(groups) > 0 && group[p.ID] == region) {
				out = append(out, p.ID)
			}
		}
		return out
	}
	monthSet := map[string]bool{}
	for _, d := range seen {
		ms, _ := sector.Quarters(d.From, d.To)
		for _, m := range ms {
			monthSet[m] = true
		}
	}
	var months []string
	for m := range monthSet {
		months = append(months, m)
	}
	slices.Sort(months)
	own := map[unknown]int{}
	for _, s := range series {
		for id, cs := range s.Counts {
			for _, c := range cs {
				own[unknown{id, s.Name, c.Month, c.Dimension, c.Value}] += c.N
			}
		}
	}
	value := func(inst, series, month, dim, v string) int { return own[unknown{inst, series, month, dim, v}] }

	// Every figure seen, as (institutions, months, dim, value) = count; hidden ones apart.
	type figure struct {
		series, scope, region, dim, value string
		months                            []string
		count                             *int
	}
	var figures []figure
	var problems []string
	for _, d := range seen {
		ms, _ := sector.Quarters(d.From, d.To)
		for _, c := range append(slices.Clone(d.Cells), d.Period...) {
			f := figure{c.Series, c.Scope, c.Region, c.Dimension, c.Value, ms, c.Count}
			if c.Quarter != "" {
				f.months = []string{c.Quarter}
			}
			figures = append(figures, f)
			if c.Count != nil {
				sum := 0
				for _, id := range members(c.Scope, c.Region) {
					for _, m := range f.months {
						sum += value(id, c.Series, m, c.Dimension, c.Value)
					}
				}
				if sum != *c.Count {
					problems = append(problems, fmt.Sprintf("figure %v %s/%s %s=%s is %d, the counts say %d", f.months, c.Scope, c.Region, c.Dimension, c.Value, *c.Count, sum))
				}
			}
		}
	}
	if len(problems) > 0 {
		return problems
	}

	for _, attacker := range participants {
		index := map[unknown]int{}
		var names []unknown
		col := func(u unknown) int {
			if i, ok := index[u]; ok {
				return i
			}
			index[u] = len(names)
			names = append(names, u)
			return len(names) - 1
		}
		type term struct{ col, coef int }
		var rows [][]term
		sumOf := func(f figure) []term {
			var ts []term
			for _, id := range members(f.scope, f.region) {
				if id == attacker.ID {
					continue // known: the attacker subtracts its own part
				}
				for _, m := range f.months {
					ts = append(ts, term{col(unknown{id, f.series, m, f.dim, f.value}), 1})
				}
			}
			return ts
		}
		for _, f := range figures {
			if f.count != nil {
				rows = append(rows, sumOf(f))
			}
		}
		// What every institution's counts obey: an exclusive dimension's values add up to the total.
		structural := map[string][][]term{}
		for _, p := range participants {
			if p.ID == attacker.ID {
				continue
			}
			for _, s := range series {
				for _, m := range months {
					for _, dim := range s.Dimensions {
						if !dim.Exclusive {
							continue
						}
						ts := []term{{col(unknown{p.ID, s.Name, m, "total", "all"}), 1}}
						for _, v := range dim.Values {
							ts = append(ts, term{col(unknown{p.ID, s.Name, m, dim.Name, v}), -1})
						}
						rows = append(rows, ts)
						structural[p.ID] = append(structural[p.ID], ts)
					}
				}
			}
		}
		// Every other institution's count of every value, per month and over all the months.
		var targets []struct {
			what string
			ts   []term
		}
		for _, p := range participants {
			if p.ID == attacker.ID {
				continue
			}
			for _, s := range series {
				dims := append([]sector.Dimension{{Name: "total", Values: []string{"all"}}}, s.Dimensions...)
				for _, dim := range dims {
					for _, v := range dim.Values {
						var all []term
						for _, m := range months {
							c := col(unknown{p.ID, s.Name, m, dim.Name, v})
							all = append(all, term{c, 1})
						}
						targets = append(targets, struct {
							what string
							ts   []term
						}{fmt.Sprintf("%s's %s %s=%s over %s..%s", p.ID, s.Name, dim.Name, v, months[0], months[len(months)-1]), all})
					}
				}
			}
		}
		for _, f := range figures {
			if f.count == nil {
				targets = append(targets, struct {
					what string
					ts   []term
				}{fmt.Sprintf("hidden %s %s/%s %s=%s of %v", f.series, f.scope, f.region, f.dim, f.value, f.months), sumOf(f)})
			}
		}

		e := newEchelon(len(names))
		for _, r := range rows {
			v := make([]int64, len(names))
			for _, t := range r {
				v[t.col] = mod(v[t.col] + int64(t.coef))
			}
			e.add(v)
		}
		for _, c := range e.units() {
			problems = append(problems, fmt.Sprintf("%s works out %s's %s %s=%s in %s", attacker.ID, names[c].inst, names[c].series, names[c].dim, names[c].value, names[c].month))
		}
		for _, tg := range targets {
			v := make([]int64, len(names))
			for _, t := range tg.ts {
				v[t.col] = mod(v[t.col] + int64(t.coef))
			}
			if !slices.ContainsFunc(v, func(x int64) bool { return x != 0 }) {
				continue // nobody else in it: nothing to learn
			}
			if e.spans(v) {
				problems = append(problems, fmt.Sprintf("%s works out %s", attacker.ID, tg.what))
			}
		}
		if !combinations {
			continue
		}
		// What the attacker knows of one school alone is the intersection of the equations' span
		// with that school's counts: dim = rank(U) + |W| − rank(U + W). More than the school's
		// own structure is a leak.
		for _, p := range participants {
			if p.ID == attacker.ID {
				continue
			}
			full := e.clone()
			own := 0
			for c, u := range names {
				if u.inst == p.ID {
					v := make([]int64, len(names))
					v[c] = 1
					full.add(v)
					own++
				}
			}
			known := len(e.rows) + own - len(full.rows)
			s := newEchelon(len(names))
			for _, r := range structural[p.ID] {
				v := make([]int64, len(names))
				for _, t := range r {
					v[t.col] = mod(v[t.col] + int64(t.coef))
				}
				s.add(v)
			}
			if known > len(s.rows) {
				problems = append(problems, fmt.Sprintf("%s works out %d combination(s) of %s's counts alone", attacker.ID, known-len(s.rows), p.ID))
			}
		}
	}
	return problems
}

func (e *echelon) clone() *echelon {
	c := &echelon{width: e.width, pivot: slices.Clone(e.pivot)}
	for _, r := range e.rows {
		c.rows = append(c.rows, slices.Clone(r))
	}
	return c
}

func mod(x int64) int64 {
	x %= prime
	if x < 0 {
		x += prime
	}
	return x
}

func inverse(a int64) int64 {
	// Fermat: a^(p-2) mod p.
	result, base, e := int64(1), a, int64(prime-2)
	for e > 0 {
		if e&1 == 1 {
			result = result * base % prime
		}
		base = base * base % prime
		e >>= 1
	}
	return result
}

// echelon is a reduced row echelon form modulo prime, built row by row.
type echelon struct {
	width int
	rows  [][]int64
	pivot []int
}

func newEchelon(width int) *echelon { return &echelon{width: width} }

func (e *echelon) reduce(v []int64) {
	for i, r := range e.rows {
		if f := v[e.pivot[i]]; f != 0 {
			for j := range v {
				if r[j] != 0 {
					v[j] = mod(v[j] - f*r[j]%prime)
				}
			}
		}
	}
}

func (e *echelon) add(v []int64) {
	e.reduce(v)
	p := slices.IndexFunc(v, func(x int64) bool { return x != 0 })
	if p < 0 {
		return
	}
	inv := inverse(v[p])
	for j := range v {
		v[j] = v[j] * inv % prime
	}
	for i, r := range e.rows {
		if f := r[p]; f != 0 {
			for j := range r {
				if v[j] != 0 {
					r[j] = mod(r[j] - f*v[j]%prime)
				}
			}
			e.rows[i] = r
		}
	}
	e.rows = append(e.rows, v)
	e.pivot = append(e.pivot, p)
}

func (e *echelon) spans(v []int64) bool {
	e.reduce(v)
	return !slices.ContainsFunc(v, func(x int64) bool { return x != 0 })
}

// units are the columns whose unknown alone is a row: determined outright.
func (e *echelon) units() []int {
	var out []int
	for i, r := range e.rows {
		n := 0
		for _, x := range r {
			if x != 0 {
				n++
			}
		}
		if n == 1 {
			out = append(out, e.pivot[i])
		}
	}
	return out
}
