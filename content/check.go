package content

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"meldwijzer"
)

// The patterns are compiled at their first check, not at package init: a served binary decodes the
// checked snapshot and never checks the content (the cold start of a function pays no regexp).
var (
	slug   = lazyRegexp(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	termRe = lazyRegexp(`^[a-z0-9]+([-_][a-z0-9]+)*$`) // taxonomy ids; statuses use _ (in_progress)
	telRe  = lazyRegexp(`^\+?[0-9]{3,15}$`)
	nodeRe = lazyRegexp(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

func (l *loader) check() {
	l.checkTaxonomy()
	l.checkRoutes()
	l.checkInstitutions()
	l.checkRouting()
	for _, aud := range meldwijzer.Audiences {
		if l.b.Flows[aud] == nil {
			l.problem("flows", nil, "there is no flow for audience %q", aud)
		}
	}
	audiences := make([]string, 0, len(l.b.Flows))
	for aud := range l.b.Flows {
		audiences = append(audiences, aud)
	}
	sort.Strings(audiences)
	for _, aud := range audiences {
		l.checkFlow(l.b.Flows[aud])
	}
}

// text reports a missing translation of a text at the path.
func (l *loader) text(file string, at []any, t Text) {
	if strings.TrimSpace(t.NL) == "" {
		l.problem(file, at, "%s: the Dutch text (nl) is missing", pathString(at))
	}
	if strings.TrimSpace(t.EN) == "" {
		l.problem(file, at, "%s: the English text (en) is missing", pathString(at))
	}
}

func pathString(at []any) string {
	var sb strings.Builder
	for _, p := range at {
		switch p := p.(type) {
		case string:
			if sb.Len() > 0 {
				sb.WriteByte('.')
			}
			sb.WriteString(p)
		case int:
			fmt.Fprintf(&sb, "[%d]", p)
		}
	}
	return sb.String()
}

func (l *loader) checkTaxonomy() {
	const file = "taxonomy.yaml"
	t := l.b.Taxonomy
	for _, d := range []struct {
		key   string
		terms []Term
		want  []string
	}{
		{"themes", t.Themes, meldwijzer.Themes},
		{"where", t.Where, meldwijzer.Wheres},
		{"grounds", t.Grounds, meldwijzer.Grounds},
		{"audiences", t.Audiences, meldwijzer.Audiences},
		{"urgent", t.Urgent, meldwijzer.UrgentKinds},
		{"statuses", t.Statuses, meldwijzer.Statuses},
		{"whens", t.Whens, meldwijzer.Whens},
		{"involved", t.Involved, meldwijzer.Involved},
		{"incidentInvolved", t.IncidentInvolved, meldwijzer.IncidentInvolved},
		{"incidentCategories", t.IncidentCategories, meldwijzer.IncidentCategories},
		{"incidentActions", t.IncidentActions, meldwijzer.IncidentActions},
		{"incidentFollowUps", t.IncidentFollowUps, meldwijzer.IncidentFollowUps},
	} {
		var got []string
		for i, term := range d.terms {
			got = append(got, term.ID)
			l.text(file, path_(d.key, i, "label"), term.Label)
			if term.Description != nil {
				l.text(file, path_(d.key, i, "description"), *term.Description)
			}
			if !termRe().MatchString(term.ID) {
				l.problem(file, path_(d.key, i, "id"), "%q is not a lower-case id", term.ID)
			}
		}
		if len(got) == 0 {
			l.problem(file, path_(d.key), "%s: the list is empty", d.key)
		}
		for _, id := range d.want {
			if !slices.Contains(got, id) {
				l.problem(file, path_(d.key), "%s: %q has no label (every id the API and pages use needs one)", d.key, id)
			}
		}
		if d.want != nil && !slices.Equal(got, d.want) {
			l.problem(file, path_(d.key), "%s must be exactly %v, in that order (stable ids, see docs/design.md); found %v", d.key, d.want, got)
		}
	}
	for i, r := range t.ContactRoles {
		at := path_("contactRoles", i)
		l.text(file, append(at, "name"), r.Name)
		l.text(file, append(at, "for"), r.For)
		l.text(file, append(at, "generic"), r.Generic)
	}
}

func (l *loader) checkRoutes() {
	const file = "routes.yaml"
	for i, r := range l.b.routeList {
		at := path_("routes", i)
		if !slug().MatchString(r.ID) {
			l.problem(file, append(at, "id"), "route id %q is not a lower-case id", r.ID)
		}
		l.text(file, append(at, "name"), r.Name)
		l.text(file, append(at, "for"), r.For)
		l.text(file, append(at, "serves"), r.Serves)
		if r.Hours != nil {
			l.text(file, append(at, "hours"), *r.Hours)
		}
		if r.Phone == "" && r.Website == "" && r.Chat == "" {
			l.problem(file, at, "route %q has no phone, website or chat: nobody can reach it", r.ID)
		}
		if (r.Phone == "") != (r.Tel == "") {
			l.problem(file, at, "route %q: phone and tel go together (tel is what a tel: link dials)", r.ID)
		}
		if r.Tel != "" && !telRe().MatchString(r.Tel) {
			l.problem(file, append(at, "tel"), "route %q: tel %q must be digits only, with an optional leading +", r.ID, r.Tel)
		}
		l.url(file, append(at, "website"), r.Website, false)
		l.url(file, append(at, "chat"), r.Chat, false)
		if r.Source == "" {
			l.problem(file, at, "route %q has no source: every fact needs the page it was verified on", r.ID)
		} else {
			l.url(file, append(at, "source"), r.Source, true)
		}
		switch {
		case r.Verified.IsZero():
			l.problem(file, at, "route %q has no verified date (YYYY-MM-DD)", r.ID)
		case r.Verified.After(time.Now()):
			l.problem(file, append(at, "verified"), "route %q: verified date %s is in the future", r.ID, r.Verified.Format(time.DateOnly))
		}
	}
}

// url checks that s is an absolute https URL (when required, or when not empty).
func (l *loader) url(file string, at []any, s string, required bool) {
	if s == "" && !required {
		return
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		l.problem(file, at, "%s: %q is not an https:// address", pathString(at), s)
	}
}

func (l *loader) checkInstitutions() {
	for _, inst := range l.b.Institutions {
		file := inst.file
		if !slug().MatchString(inst.ID) {
			l.problem(file, path_("id"), "institution id %q is not a lower-case id (a-z, 0-9, -)", inst.ID)
		}
		if strings.TrimSpace(inst.Name) == "" {
			l.problem(file, path_("name"), "the institution has no name")
		}
		if inst.Demo && !strings.Contains(strings.ToLower(inst.Name), "demo") {
			l.problem(file, path_("name"), "a demo institution's name must say \"demo\", so nobody takes it for a real school")
		}
		if len(inst.Contacts) == 0 {
			l.problem(file, path_("contacts"), "the institution has no contacts")
		}
		for _, p := range l.b.CheckContacts(inst.Record(time.Time{})) {
			l.problems = append(l.problems, Problem{File: file, Line: l.line(file, p.At), Message: p.String()})
		}
	}
}

// routeID checks one route id on a node, variant or rule.
func (l *loader) routeID(file string, at []any, id string) {
	if role, ok := strings.CutPrefix(id, InstitutionRoute); ok {
		if l.b.roles[role] == nil {
			l.problem(file, at, "unknown contact role %q in %q (see contactRoles in taxonomy.yaml)", role, id)
		}
		return
	}
	if l.b.Routes[id] == nil {
		l.problem(file, at, "unknown route %q (see routes.yaml)", id)
	}
}

// condition checks that a condition names known dimensions and values.
func (l *loader) condition(file string, at []any, c Condition) {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		dim := k
		if k != "audience" && !slices.Contains(StateDimensions, k) {
			l.problem(file, append(at, k), "unknown condition %q (use audience, %s)", k, strings.Join(StateDimensions, ", "))
			continue
		}
		if len(c[k]) == 0 {
			l.problem(file, append(at, k), "condition %q has no values", k)
		}
		for _, v := range c[k] {
			if v == Unset && k != "audience" {
				continue
			}
			if !l.b.Known(dim, v) {
				l.problem(file, append(at, k), "unknown %s %q", dim, v)
			}
		}
	}
}

func (l *loader) checkRouting() {
	const file = "routing.yaml"
	if len(l.b.Routing.Rules) == 0 {
		l.problem(file, nil, "there are no routing rules")
	}
	for i, r := range l.b.Routing.Rules {
		at := path_("rules", i)
		l.condition(file, append(at, "when"), r.When)
		if len(r.Routes) == 0 {
			l.problem(file, at, "the rule adds no routes")
		}
		for j, id := range r.Routes {
			l.routeID(file, append(at, "routes", j), id)
		}
	}
}

func (l *loader) checkFlow(f *Flow) {
	file := f.file
	if !l.b.Known("audience", f.Audience) {
		l.problem(file, path_("audience"), "unknown audience %q", f.Audience)
	}
	for _, key := range []struct{ name, id string }{{"start", f.Start}, {"urgent", f.Urgent}, {"answer", f.Answer}, {"story", f.StoryNode()}} {
		if f.Nodes[key.id] == nil {
			l.problem(file, path_(key.name), "%s node %q does not exist", key.name, key.id)
		}
	}
	l.text(file, path_("unclear"), f.Unclear)
	l.text(file, path_("noted"), f.Noted)
	l.text(file, path_("schoolTalk"), f.SchoolTalk)
	for kind, node := range f.Ask {
		if !l.b.Known("urgent", kind) {
			l.problem(file, path_("ask", kind), "unknown urgent kind %q", kind)
		} else if f.Nodes[node] == nil {
			l.problem(file, path_("ask", kind), "node %q does not exist", node)
		}
	}
	for _, kind := range l.b.IDs("urgent") {
		if _, ok := f.Hint[kind]; !ok {
			l.problem(file, path_("hint"), "no help line for the urgent kind %q: a message the reader finds some risk of it in would show no number", kind)
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(f.Hint)) {
		h := f.Hint[kind]
		at := path_("hint", kind)
		if !l.b.Known("urgent", kind) {
			l.problem(file, at, "unknown urgent kind %q", kind)
			continue
		}
		l.text(file, append(at, "text"), h.Text)
		l.routeID(file, append(at, "route"), h.Route)
		if r := l.b.Routes[h.Route]; r != nil && !r.Urgent {
			l.problem(file, append(at, "route"), "route %q is no emergency route: a help line points to one", h.Route)
		}
	}
	names := make([]string, 0, len(f.Nodes))
	for name := range f.Nodes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		n := f.Nodes[name]
		at := path_("nodes", name)
		if !nodeRe().MatchString(name) {
			l.problem(file, at, "node id %q must be lower-case letters, digits and -", name)
		}
		if n == nil {
			l.problem(file, at, "node %q is empty", name)
			continue
		}
		l.text(file, append(at, "text"), n.Text)
		if n.Question != nil {
			l.text(file, append(at, "question"), *n.Question)
		}
		if n.Asks != "" && !slices.Contains(StateDimensions, n.Asks) {
			l.problem(file, append(at, "asks"), "unknown dimension %q (use %s)", n.Asks, strings.Join(StateDimensions, ", "))
		}
		for i, s := range n.Steps {
			l.text(file, append(at, "steps", i), s)
		}
		for i, id := range n.Routes {
			l.routeID(file, append(at, "routes", i), id)
		}
		for i, v := range n.Variants {
			vat := append(slices.Clone(at), "variants", i)
			l.condition(file, append(vat, "when"), v.When)
			if v.Text != nil {
				l.text(file, append(vat, "text"), *v.Text)
			}
			for j, s := range v.Steps {
				l.text(file, append(vat, "steps", j), s)
			}
			for j, id := range v.Routes {
				l.routeID(file, append(vat, "routes", j), id)
			}
		}
		seen := map[string]bool{}
		for i, o := range n.Options {
			oat := append(slices.Clone(at), "options", i)
			if !nodeRe().MatchString(o.ID) {
				l.problem(file, append(oat, "id"), "option id %q must be lower-case letters, digits and -", o.ID)
			}
			if seen[o.ID] {
				l.problem(file, append(oat, "id"), "option id %q appears twice on node %q", o.ID, name)
			}
			seen[o.ID] = true
			l.text(file, append(oat, "label"), o.Label)
			for j, w := range o.Words {
				if strings.TrimSpace(w) == "" {
					l.problem(file, append(oat, "words", j), "an empty answer word")
				}
			}
			if f.Nodes[o.Next] == nil {
				l.problem(file, append(oat, "next"), "choice %q leads nowhere: node %q does not exist", o.ID, o.Next)
			}
			for k, v := range o.Set {
				if !slices.Contains(StateDimensions, k) {
					l.problem(file, append(oat, "set", k), "unknown dimension %q (use %s)", k, strings.Join(StateDimensions, ", "))
				} else if !l.b.Known(k, v) {
					l.problem(file, append(oat, "set", k), "unknown %s %q", k, v)
				}
			}
			l.condition(file, append(oat, "when"), o.When)
		}
	}
	if len(l.problems) == 0 {
		l.checkGraph(f)
	}
}
