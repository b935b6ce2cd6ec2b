package wegwijzer_test

import (
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"meldwijzer/content"
	"meldwijzer/wegwijzer"
)

// page is one position a person can reach, rendered in one language.
type page struct {
	audience, lang string
	pos            content.Position
	routing        bool
	node           *wegwijzer.Node
}

// words is everything a person reads on the page: the text, the steps, the buttons and the cards.
func (p page) words() string {
	parts := append([]string{p.node.Text}, p.node.Steps...)
	for _, o := range p.node.Options {
		parts = append(parts, o.Label)
	}
	for _, r := range p.node.Routes {
		parts = append(parts, r.Name, r.For, r.Serves, r.How)
	}
	return strings.Join(parts, "\n")
}

func (p page) has(route string) bool { return slices.Contains(routeIDs(p.node), route) }

// allPages walks every position reachable by buttons from every entry (the start, "Direct hulp",
// the direct questions and what a typed message can lead to), as content check does, and renders
// each in Dutch and English without an institution (so the generic contact texts are read too).
func allPages(t *testing.T) []page {
	t.Helper()
	b, err := content.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	g := loadGuide(t)
	var pages []page
	for _, aud := range []string{"student", "staff"} {
		f := b.Flows[aud]
		seen := map[string]content.Position{}
		var queue []content.Position
		visit := func(p content.Position) {
			if _, ok := seen[p.ID()]; !ok {
				seen[p.ID()] = p
				queue = append(queue, p)
			}
		}
		for _, e := range b.Entries(f) {
			p, err := f.Resolve(e)
			if err != nil {
				t.Fatal(err)
			}
			visit(p)
		}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for _, o := range f.Options(p) {
				next, err := f.Choose(p, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				visit(next)
			}
		}
		ids := make([]string, 0, len(seen))
		for id := range seen {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			for _, lang := range []string{"nl", "en"} {
				n, err := g.Step(wegwijzer.StepRequest{Audience: aud, Lang: lang, Node: id})
				if err != nil {
					t.Fatalf("%s %s: %v", aud, id, err)
				}
				p := seen[id]
				pages = append(pages, page{aud, lang, p, f.Nodes[p.Node].Routing, n})
			}
		}
	}
	if len(pages) < 100 {
		t.Fatalf("only %d pages walked", len(pages))
	}
	return pages
}

// Issue 11, "Done when": the promises we make, the law as it is, and the routes that fit.
func TestEveryPageKeepsTheSafetyRules(t *testing.T) {
	pages := allPages(t)
	count := map[string]int{}
	for _, p := range pages {
		w := p.words()
		low := strings.ToLower(w)
		s := p.pos.State
		where := p.audience + " " + p.lang + " " + p.node.ID

		// No absolute confidentiality promise anywhere.
		for _, bad := range absolutePromises {
			if strings.Contains(low, bad) {
				t.Errorf("%s promises absolute confidentiality (%q):\n%s", where, bad, w)
			}
		}

		// The meldplicht only on staff → student pages about something sexual, naming the board.
		if p.lang == "nl" && strings.Contains(low, "meldplicht") {
			count["meldplicht"]++
			if p.audience != "staff" || s["involved"] != "medewerker-student" || s["theme"] != "seksueel" {
				t.Errorf("%s mentions the meldplicht outside staff → student, sexual", where)
			}
			if !strings.Contains(low, "bestuur") && !strings.Contains(low, "bevoegd gezag") {
				t.Errorf("%s: the meldplicht does not name the board (bestuur / bevoegd gezag)", where)
			}
			if !strings.Contains(low, "onder 18") && !strings.Contains(low, "jonger dan 18") {
				t.Errorf("%s: the meldplicht does not say it is about students under 18", where)
			}
		}
		if p.audience == "staff" && p.routing && s["involved"] == "medewerker-student" && s["theme"] == "seksueel" &&
			p.lang == "nl" && !strings.Contains(low, "meldplicht") {
			t.Errorf("%s: staff → student sexual protocol without the meldplicht", where)
		}

		// Meldcode step 5: reporting to Veilig Thuis is required, not a free choice.
		if p.audience == "staff" && p.routing && s["theme"] == "thuis" {
			count["meldcode"]++
			step5 := ""
			for _, st := range p.node.Steps {
				if strings.HasPrefix(st, "Stap 5") || strings.HasPrefix(st, "Step 5") {
					step5 = st
				}
				if strings.Contains(st, "en/of") || strings.Contains(st, "and/or") {
					t.Errorf("%s: a meldcode step reads as a free choice: %q", where, st)
				}
			}
			must := map[string]string{"nl": "moet", "en": "must"}[p.lang]
			if !strings.Contains(step5, "Veilig Thuis") || !strings.Contains(step5, must) {
				t.Errorf("%s: meldcode step 5 does not require a report to Veilig Thuis: %q", where, step5)
			}
		}

		// Online harm of any kind: Helpwanted.
		if p.routing && (s["where"] == "online" || s["involved"] == "online") && !p.has("helpwanted") {
			t.Errorf("%s: online harm without Helpwanted: %v", where, routeIDs(p.node))
		}

		// Students may go to the vertrouwensinspecteur about a teacher or other staff.
		if p.audience == "student" && p.routing && s["involved"] == "medewerker-student" {
			count["inspecteur"]++
			if !p.has("onderwijsinspectie-vertrouwensinspecteur") {
				t.Errorf("%s: misconduct by staff without the vertrouwensinspecteur: %v", where, routeIDs(p.node))
			}
		}

		// The Landelijk Knooppunt Huwelijksdwang serves professionals: staff only.
		if p.has("huwelijksdwang-achterlating") {
			if p.audience != "staff" {
				t.Errorf("%s: a student is sent to the LKHA, which serves professionals", where)
			}
			count["lkha"]++
		}

		// Centrum Seksueel Geweld: call first, no "go there within 7 days".
		for _, r := range p.node.Routes {
			if r.ID == "centrum-seksueel-geweld" {
				first := map[string]string{"nl": "Bel eerst", "en": "Call first"}[p.lang]
				if !strings.Contains(r.For, first) {
					t.Errorf("%s: the CSG card does not say %q: %q", where, first, r.For)
				}
			}
			if r.ID == "zelfmoordpreventie-113" {
				if r.Chat != "" || strings.Contains(r.For+r.Serves, "0800-0113") {
					t.Errorf("%s: 113 card with an unconfirmed chat link or the 0800 number: %+v", where, r)
				}
				if p.lang == "nl" && !strings.Contains(r.For, "zelfdoding") {
					t.Errorf("%s: 113's own word is zelfdoding: %q", where, r.For)
				}
			}
		}
		if strings.Contains(low, "naar het centrum seksueel geweld") || strings.Contains(low, "go to the sexual assault centre") {
			t.Errorf("%s: tells the person to go to the CSG instead of calling first", where)
		}
	}
	for _, k := range []string{"meldplicht", "meldcode", "inspecteur", "lkha"} {
		if count[k] == 0 {
			t.Errorf("no page was checked for %s: the walk missed the pages it is about", k)
		}
	}
}

// absolutePromises are words that promise more secrecy than a vertrouwenspersoon or a school can
// keep (lower case).
var absolutePromises = []string{
	"vertelt niets door", "niemand anders", "zonder dat jij het wilt", "bepaalt zelf wat er daarna gebeurt",
	"tells no one", "no one else", "without your permission", "you decide what happens next",
}

// The report form's own words make the same promise-free statement.
func TestReportFormPromisesNoAbsoluteSecrecy(t *testing.T) {
	for _, file := range []string{"../web/static/app.js", "../web/static/index.html"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		low := strings.ToLower(string(data))
		for _, bad := range absolutePromises {
			if strings.Contains(low, bad) {
				t.Errorf("%s promises absolute confidentiality: %q", file, bad)
			}
		}
	}
}
