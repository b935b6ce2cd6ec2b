package content

import (
	"bytes"
	_ "embed"
	"encoding/gob"
	"fmt"
	"maps"
	"slices"
)

//go:generate go run ./internal/snapshot -dir .

// SnapshotFile is the checked content as gob, written at build time by `go generate ./content`
// (content/internal/snapshot) and decoded by LoadEmbedded instead of the YAML.
const SnapshotFile = "bundle.gob"

//go:embed bundle.gob
var embeddedSnapshot []byte

// Snapshot encodes the bundle for LoadEmbedded. The encoding is deterministic (maps are written
// as slices sorted by key), so that TestEmbeddedSnapshotIsGenerated can compare bytes.
func (b *Bundle) Snapshot() ([]byte, error) {
	s := snapBundle{Taxonomy: b.Taxonomy, Routes: b.routeList, Rules: make([]snapRule, len(b.Routing.Rules))}
	for i, r := range b.Routing.Rules {
		s.Rules[i] = snapRule{When: pairs(r.When), Routes: r.Routes}
	}
	for _, aud := range slices.Sorted(maps.Keys(b.Flows)) {
		s.Flows = append(s.Flows, snapFlowOf(b.Flows[aud]))
	}
	for _, inst := range b.Institutions {
		s.Institutions = append(s.Institutions, snapInstitution{Institution: inst, File: inst.file})
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decodeSnapshot rebuilds a bundle from Snapshot's bytes, with its indexes.
func decodeSnapshot(data []byte) (*Bundle, error) {
	var s snapBundle
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
		return nil, fmt.Errorf("content: cannot decode the embedded %s (run go generate ./content): %w", SnapshotFile, err)
	}
	b := newBundle()
	b.Taxonomy = s.Taxonomy
	if len(s.Rules) > 0 {
		b.Routing.Rules = make([]Rule, len(s.Rules))
		for i, r := range s.Rules {
			b.Routing.Rules[i] = Rule{When: fromPairs[Condition](r.When), Routes: r.Routes}
		}
	}
	for _, sf := range s.Flows {
		f := sf.flow()
		b.Flows[f.Audience] = f
	}
	for _, si := range s.Institutions {
		inst := si.Institution
		inst.file = si.File
		b.byInstitution[inst.ID] = inst
		b.Institutions = append(b.Institutions, inst)
	}
	l := &loader{b: b}
	b.index(s.Routes, l)
	if len(l.problems) > 0 {
		return nil, l.problems
	}
	return b, nil
}

// The snapshot's types mirror the Bundle with exported fields and with every map as a sorted slice.
type (
	snapBundle struct {
		Taxonomy     Taxonomy
		Routes       []*Route // as in routes.yaml
		Rules        []snapRule
		Flows        []snapFlow // by audience
		Institutions []snapInstitution
	}
	snapRule struct {
		When   []pair[[]string]
		Routes []string
	}
	snapInstitution struct {
		Institution *Institution
		File        string
	}
	snapFlow struct {
		Audience, Start, Urgent, Answer, Story string
		Unclear                                Text
		Ask                                    []pair[string]
		Nodes                                  []snapNode // by id
		File                                   string
	}
	snapNode struct {
		ID       string
		Text     Text
		Question *Text
		Asks     string
		Options  []snapOption
		Steps    []Text
		Routes   []string
		Routing  bool
		Variants []snapVariant
		Report   bool
	}
	snapOption struct {
		ID, Next string
		Label    Text
		Set      []pair[string]
		Reset    bool
		When     []pair[[]string]
		Words    []string
	}
	snapVariant struct {
		When   []pair[[]string]
		Text   *Text
		Steps  []Text
		Routes []string
	}
	pair[V any] struct {
		Key   string
		Value V
	}
)

func snapFlowOf(f *Flow) snapFlow {
	s := snapFlow{Audience: f.Audience, Start: f.Start, Urgent: f.Urgent, Answer: f.Answer, Story: f.Story,
		Unclear: f.Unclear, Ask: pairs(f.Ask), File: f.file}
	for _, id := range slices.Sorted(maps.Keys(f.Nodes)) {
		n := f.Nodes[id]
		sn := snapNode{ID: id, Text: n.Text, Question: n.Question, Asks: n.Asks, Steps: n.Steps,
			Routes: n.Routes, Routing: n.Routing, Report: n.Report}
		for _, o := range n.Options {
			sn.Options = append(sn.Options, snapOption{ID: o.ID, Next: o.Next, Label: o.Label,
				Set: pairs(o.Set), Reset: o.Reset, When: pairs(o.When), Words: o.Words})
		}
		for _, v := range n.Variants {
			sn.Variants = append(sn.Variants, snapVariant{When: pairs(v.When), Text: v.Text, Steps: v.Steps, Routes: v.Routes})
		}
		s.Nodes = append(s.Nodes, sn)
	}
	return s
}

func (s snapFlow) flow() *Flow {
	f := &Flow{Audience: s.Audience, Start: s.Start, Urgent: s.Urgent, Answer: s.Answer, Story: s.Story,
		Unclear: s.Unclear, Ask: fromPairs[map[string]string](s.Ask), file: s.File}
	if len(s.Nodes) > 0 {
		f.Nodes = make(map[string]*Node, len(s.Nodes))
	}
	for _, sn := range s.Nodes {
		n := &Node{Text: sn.Text, Question: sn.Question, Asks: sn.Asks, Steps: sn.Steps,
			Routes: sn.Routes, Routing: sn.Routing, Report: sn.Report}
		for _, o := range sn.Options {
			n.Options = append(n.Options, &Option{ID: o.ID, Next: o.Next, Label: o.Label,
				Set: fromPairs[State](o.Set), Reset: o.Reset, When: fromPairs[Condition](o.When), Words: o.Words})
		}
		for _, v := range sn.Variants {
			n.Variants = append(n.Variants, &Variant{When: fromPairs[Condition](v.When), Text: v.Text, Steps: v.Steps, Routes: v.Routes})
		}
		f.Nodes[sn.ID] = n
	}
	return f
}

// pairs writes a map as a slice sorted by key; fromPairs reads it back (nil when empty, as the
// YAML leaves a map that is not there).
func pairs[M ~map[string]V, V any](m M) []pair[V] {
	var ps []pair[V]
	for _, k := range slices.Sorted(maps.Keys(m)) {
		ps = append(ps, pair[V]{k, m[k]})
	}
	return ps
}

func fromPairs[M ~map[string]V, V any](ps []pair[V]) M {
	if len(ps) == 0 {
		return nil
	}
	m := make(M, len(ps))
	for _, p := range ps {
		m[p.Key] = p.Value
	}
	return m
}
