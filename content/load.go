package content

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"meldwijzer"
)

// FS is the reviewed content, embedded into every binary.
//
//go:embed *.yaml flows/*.yaml institutions/*.yaml
var FS embed.FS

// Bundle is the whole content, loaded and checked.
type Bundle struct {
	Taxonomy     Taxonomy
	Routes       map[string]*Route
	Routing      Routing
	Flows        map[string]*Flow // by audience
	Institutions []*Institution   // sorted by id

	routeList     []*Route // as in routes.yaml
	byInstitution map[string]*Institution
	roles         map[string]*ContactRole
	ids           map[string][]string // taxonomy dimension -> ids
	files         map[string]*ast.File
}

// Institution returns the institution with the id, or nil.
func (b *Bundle) Institution(id string) *Institution { return b.byInstitution[id] }

// Role returns the contact role with the id, or nil.
func (b *Bundle) Role(id string) *ContactRole { return b.roles[id] }

// IDs returns the ids of a taxonomy dimension: theme, where, ground, audience, involved, urgent.
func (b *Bundle) IDs(dimension string) []string { return b.ids[dimension] }

// Known reports whether id is a value of the taxonomy dimension.
func (b *Bundle) Known(dimension, id string) bool { return slices.Contains(b.ids[dimension], id) }

// Record is the institution as the store keeps it (updated at the given time).
func (i *Institution) Record(updated time.Time) *meldwijzer.Institution {
	return &meldwijzer.Institution{ID: i.ID, Name: i.Name, Demo: i.Demo,
		Contacts: slices.Clone(i.Contacts), Updated: updated}
}

// Problem is one thing wrong with the content, with the place it was found.
type Problem struct {
	File    string
	Line    int
	Message string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Problems is every problem found in the content.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return fmt.Sprintf("content has %d problem(s):\n%s", len(ps), strings.Join(lines, "\n"))
}

// Load reads and checks the content in fsys. It returns a Problems error listing everything
// that is wrong, so that an editor can fix all of it in one go.
func Load(fsys fs.FS) (*Bundle, error) { return load(fsys) }

// LoadEmbedded returns the content built into the binary, for serving. It reads the snapshot
// that `go generate ./content` wrote as Go source from this very YAML after the full check
// (bundle_gen.go), so a cold start neither parses YAML, nor decodes, nor checks anything;
// TestEmbeddedSnapshotIsGenerated fails when the snapshot is not what the YAML gives.
func LoadEmbedded() (*Bundle, error) { return fromSnapshot(&embeddedSnapshot) }

func newBundle() *Bundle {
	return &Bundle{
		Routes: map[string]*Route{}, Flows: map[string]*Flow{},
		byInstitution: map[string]*Institution{}, roles: map[string]*ContactRole{},
		ids: map[string][]string{}, files: map[string]*ast.File{},
	}
}

func load(fsys fs.FS) (*Bundle, error) {
	l := &loader{fsys: fsys, b: newBundle()}
	b := l.b

	l.decode("taxonomy.yaml", &b.Taxonomy)
	var routes struct {
		Routes []*Route `yaml:"routes"`
	}
	l.decode("routes.yaml", &routes)
	l.decode("routing.yaml", &b.Routing)

	flowFiles, _ := fs.Glob(fsys, "flows/*.yaml")
	for _, f := range flowFiles {
		flow := &Flow{}
		ok := l.decode(f, flow)
		flow.file = f // set after decoding: an empty document resets the whole value
		if ok {
			if b.Flows[flow.Audience] != nil {
				l.problem(f, nil, "a second flow for audience %q (the other is %s)", flow.Audience, b.Flows[flow.Audience].file)
				continue
			}
			b.Flows[flow.Audience] = flow
		}
	}
	instFiles, _ := fs.Glob(fsys, "institutions/*.yaml")
	for _, f := range instFiles {
		inst := &Institution{}
		ok := l.decode(f, inst)
		inst.file = f
		if ok {
			if other := b.byInstitution[inst.ID]; other != nil {
				l.problem(f, path_("id"), "institution id %q is also used by %s", inst.ID, other.file)
				continue
			}
			b.byInstitution[inst.ID] = inst
			b.Institutions = append(b.Institutions, inst)
		}
	}
	sort.Slice(b.Institutions, func(i, j int) bool { return b.Institutions[i].ID < b.Institutions[j].ID })

	if len(l.problems) > 0 {
		// Without well-formed files the checks below would only add noise.
		return nil, l.problems
	}
	b.index(routes.Routes, l)
	l.check()
	if len(l.problems) > 0 {
		return nil, l.problems
	}
	return b, nil
}

func (b *Bundle) index(routes []*Route, l *loader) {
	t := &b.Taxonomy
	for dim, terms := range map[string][]Term{
		"theme": t.Themes, "where": t.Where, "ground": t.Grounds, "audience": t.Audiences,
		"involved": t.Involved, "urgent": t.Urgent,
	} {
		for _, term := range terms {
			b.ids[dim] = append(b.ids[dim], term.ID)
		}
	}
	for i := range t.ContactRoles {
		r := &t.ContactRoles[i]
		b.roles[r.ID] = r
	}
	b.routeList = routes
	for i, r := range routes {
		if b.Routes[r.ID] != nil {
			l.problem("routes.yaml", path_("routes", i, "id"), "route id %q is used twice", r.ID)
		}
		b.Routes[r.ID] = r
	}
}

type loader struct {
	fsys     fs.FS
	b        *Bundle
	problems Problems
}

// decode reads one YAML file strictly into v; unknown fields and duplicate keys are problems.
func (l *loader) decode(file string, v any) bool {
	data, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		l.problem(file, nil, "cannot read: %v", err)
		return false
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		l.problems = append(l.problems, yamlProblem(file, err))
		return false
	}
	l.b.files[file] = f
	if err := yaml.UnmarshalWithOptions(data, v, yaml.Strict()); err != nil {
		l.problems = append(l.problems, yamlProblem(file, err))
		return false
	}
	return true
}

func yamlProblem(file string, err error) Problem {
	p := Problem{File: file, Message: err.Error()}
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			p.Line = tk.Position.Line
		}
		p.Message = ye.GetMessage()
	}
	return p
}

// path_ builds a YAML path from keys (string) and indexes (int).
func path_(parts ...any) []any { return parts }

// problem records a problem at the YAML path (nil for the whole file).
func (l *loader) problem(file string, at []any, format string, args ...any) {
	l.problems = append(l.problems, Problem{File: file, Line: l.line(file, at), Message: fmt.Sprintf(format, args...)})
}

// line finds the line of the YAML node at the path, or of its nearest ancestor that exists.
func (l *loader) line(file string, at []any) int {
	f := l.b.files[file]
	if f == nil {
		return 0
	}
	for n := len(at); n > 0; n-- {
		pb := (&yaml.PathBuilder{}).Root()
		for _, part := range at[:n] {
			switch p := part.(type) {
			case string:
				pb = pb.Child(p)
			case int:
				pb = pb.Index(uint(p))
			}
		}
		node, err := pb.Build().FilterFile(f)
		if err == nil && node != nil && node.GetToken() != nil {
			return node.GetToken().Position.Line
		}
	}
	return 0
}
