package wegwijzer_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"meldwijzer/classify"
	"meldwijzer/content"
	"meldwijzer/wegwijzer"
)

func loadGuide(t testing.TB) *wegwijzer.Guide {
	t.Helper()
	g, _, err := wegwijzer.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func routeIDs(n *wegwijzer.Node) []string {
	var ids []string
	for _, r := range n.Routes {
		ids = append(ids, r.ID)
	}
	return ids
}

// walk taps the choices in order from the start and returns the last node and the taps used.
func walk(t *testing.T, g *wegwijzer.Guide, audience, institution string, choices ...string) *wegwijzer.Node {
	t.Helper()
	n, err := g.Step(wegwijzer.StepRequest{Audience: audience, Lang: "nl", Institution: institution})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range choices {
		n, err = g.Step(wegwijzer.StepRequest{Audience: audience, Lang: "nl", Institution: institution, Node: n.ID, Choice: c})
		if err != nil {
			t.Fatalf("after %v: %v", choices, err)
		}
	}
	return n
}

// The right help for each theme: a route that must be on the student's route page. mayBeUrgent
// marks a sentence that may still be going on ("in de pauze": today's?): read as urgent, its
// emergency answer leads on to the same help ("Ik ben veilig"); no other may be read as urgent.
var studentHelp = []struct {
	theme, where, route, sentence string
	mayBeUrgent                   bool
}{
	{"discriminatie", "school", "discriminatie-nl", "ze maken steeds grapjes over mijn hoofddoek en zeggen dat ik terug moet naar mn land", false},
	{"seksueel", "school", "centrum-seksueel-geweld", "een jongen uit mijn klas blijft aan me zitten terwijl ik dat niet wil", false},
	{"agressie", "school", "politie", "hij heeft me in de pauze geslagen en geschopt", true},
	{"pesten", "online", "institution:vertrouwenspersoon", "ik word gepest in de groepsapp van de klas", false},
	{"criminaliteit", "elders", "meld-misdaad-anoniem", "iemand vraagt of ik mijn bankpas wil uitlenen voor geld", false},
	{"stagemisbruik", "stage", "institution:meldpunt-stage", "op mijn stage moet ik elke dag 12 uur werken en krijg ik geen begeleiding", false},
	{"discussie", "school", "institution:vertrouwenspersoon", "na de discussie in de klas over de oorlog word ik bedreigd door klasgenoten", false},
	{"thuis", "elders", "veilig-thuis", "mijn vader slaat mij en mijn moeder thuis", false},
	{"anders", "school", "institution:mentor", "", false},
}

func TestStudentReachesTheRightHelpInFourTaps(t *testing.T) {
	g := loadGuide(t)
	for _, h := range studentHelp {
		t.Run(h.theme, func(t *testing.T) {
			// Buttons: the theme, where (unless the theme says it), "no danger now", "what can I do?".
			taps := []string{h.theme, h.where, "nee", "hulp"}
			if h.theme == "stagemisbruik" || h.theme == "thuis" {
				taps = []string{h.theme, "nee", "hulp"}
			}
			n := walk(t, g, "student", "roc-voorbeeldstad", taps...)
			if len(taps) > 4 {
				t.Fatalf("%d taps", len(taps))
			}
			if !slices.Contains(routeIDs(n), h.route) {
				t.Errorf("route page %s lacks %s: %v", n.ID, h.route, routeIDs(n))
			}
			if !n.Report {
				t.Errorf("route page %s does not offer anoniem melden", n.ID)
			}
			if n.Theme != h.theme {
				t.Errorf("theme %q, want %q", n.Theme, h.theme)
			}
			for _, r := range n.Routes {
				if r.ID == "institution:vertrouwenspersoon" && r.Email != "vertrouwenspersoon@roc-voorbeeldstad.example" {
					t.Errorf("the institution's own vertrouwenspersoon is not merged in: %+v", r)
				}
				if r.Kind == "outside" && (r.Source == "" || r.Verified == "") {
					t.Errorf("route %s has no source or verified date", r.ID)
				}
			}
		})
	}
}

func TestOneTypedSentenceReachesTheRightHelp(t *testing.T) {
	g := loadGuide(t)
	for _, h := range studentHelp {
		if h.sentence == "" {
			continue
		}
		t.Run(h.theme, func(t *testing.T) {
			a, err := g.Message(wegwijzer.MessageRequest{Audience: "student", Lang: "nl", Text: h.sentence, Institution: "roc-voorbeeldstad"})
			if err != nil {
				t.Fatal(err)
			}
			if a.Theme == nil || *a.Theme != h.theme {
				t.Fatalf("theme %v, want %s", a.Theme, h.theme)
			}
			// Violence that may still be going on gets the direct question first ("Ben je nu in
			// gevaar?") or, read as urgent, the emergency answer; "nee" and "Ik ben veilig" lead on
			// to the same help.
			if a.Urgent && !h.mayBeUrgent {
				t.Errorf("not urgent, but got urgent")
			}
			n := a.Node
			for _, choice := range []string{"nee", "hulp"} {
				if strings.HasPrefix(n.ID, "urgent?") {
					choice = "veilig"
				} else if !strings.HasPrefix(n.ID, "vraag-") && !strings.HasPrefix(n.ID, "count?") {
					break
				}
				if n, err = g.Step(wegwijzer.StepRequest{Audience: "student", Lang: "nl", Institution: "roc-voorbeeldstad", Node: n.ID, Choice: choice}); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Contains(routeIDs(n), h.route) {
				t.Errorf("node %s lacks %s: %v", n.ID, h.route, routeIDs(n))
			}
		})
	}
}

func TestUrgentAlwaysComesFirst(t *testing.T) {
	g := loadGuide(t)
	tests := []struct{ text, first string }{
		{"ik wil niet meer leven", "zelfmoordpreventie-113"},
		{"er staat een jongen met een mes voor de deur van de klas", "alarm-112"},
		{"ik ben gisteren verkracht op een feest", "centrum-seksueel-geweld"},
	}
	for _, tt := range tests {
		t.Run(tt.first, func(t *testing.T) {
			for _, aud := range []string{"student", "staff"} {
				a, err := g.Message(wegwijzer.MessageRequest{Audience: aud, Lang: "nl", Text: tt.text})
				if err != nil {
					t.Fatal(err)
				}
				if !a.Urgent || !a.Node.Urgent || len(a.Node.Routes) == 0 || a.Node.Routes[0].ID != tt.first {
					t.Errorf("%s: urgent=%v, routes %v; want %s first", aud, a.Urgent, routeIDs(a.Node), tt.first)
				}
				if a.Node.Routes[0].Kind != "emergency" || a.Node.Routes[0].Tel == "" {
					t.Errorf("%s: the first route is not a callable emergency route: %+v", aud, a.Node.Routes[0])
				}
			}
		})
	}
	t.Run("idiom is not urgent", func(t *testing.T) {
		a, err := g.Message(wegwijzer.MessageRequest{Audience: "student", Lang: "nl", Text: "ik schrok me dood toen de docent ineens achter me stond"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Urgent {
			t.Errorf("an idiom raised urgent")
		}
	})
	t.Run("direct hulp from any step", func(t *testing.T) {
		n, err := g.Step(wegwijzer.StepRequest{Audience: "student", Lang: "en", Node: "urgent"})
		if err != nil {
			t.Fatal(err)
		}
		if !n.Urgent || routeIDs(n)[0] != "alarm-112" || !strings.Contains(n.Text, "112") {
			t.Errorf("urgent node: %+v", n)
		}
	})
}

func TestStaffGetsAProtocol(t *testing.T) {
	g := loadGuide(t)
	tests := []struct {
		name   string
		taps   []string
		route  string
		inStep string
	}{
		{"staff towards a student, sexual", []string{"seksueel", "medewerker-student", "nee"}, "onderwijsinspectie-vertrouwensinspecteur", "bestuur"},
		{"home: the meldcode", []string{"thuis", "nee"}, "veilig-thuis", "Meldcode"},
		{"at the stage", []string{"discriminatie", "stage", "nee"}, "institution:meldpunt-stage", "meldpunt stagediscriminatie"},
		{"towards staff", []string{"agressie", "naar-medewerker", "nee"}, "institution:leidinggevende", "Arbowet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := walk(t, g, "staff", "techniek-college-denkbeeldig", tt.taps...)
			if !slices.Contains(routeIDs(n), tt.route) {
				t.Errorf("protocol %s lacks %s: %v", n.ID, tt.route, routeIDs(n))
			}
			if !slices.ContainsFunc(n.Steps, func(s string) bool { return strings.Contains(s, tt.inStep) }) {
				t.Errorf("no step mentions %q: %v", tt.inStep, n.Steps)
			}
			if !slices.ContainsFunc(n.Steps, func(s string) bool { return strings.Contains(s, "geheimhouding") }) {
				t.Errorf("the protocol does not say: do not promise secrecy")
			}
			reg := walk(t, g, "staff", "techniek-college-denkbeeldig", append(tt.taps, "melden")...)
			if !slices.Contains(routeIDs(reg), "ssv-adviespunt") {
				t.Errorf("registration page lacks the SSV Adviespunt: %v", routeIDs(reg))
			}
		})
	}
}

func TestLanguagesAndGenericContacts(t *testing.T) {
	g := loadGuide(t)
	nl := walk(t, g, "student", "")
	en, err := g.Step(wegwijzer.StepRequest{Audience: "student", Lang: "en", Node: nl.ID})
	if err != nil {
		t.Fatal(err)
	}
	if nl.Text == en.Text || !strings.Contains(en.Text, "help") {
		t.Errorf("the same node in English: %q", en.Text)
	}
	// Without an institution the guide still names the role, with a generic text.
	n := walk(t, g, "student", "", "pesten", "school", "nee", "hulp")
	for _, r := range n.Routes {
		if r.ID == "institution:vertrouwenspersoon" && (r.Email != "" || !strings.Contains(r.How, "vertrouwenspersoon")) {
			t.Errorf("generic vertrouwenspersoon: %+v", r)
		}
	}
	// Start again clears the state.
	again := walk(t, g, "student", "", "pesten", "school", "nee", "hulp", "opnieuw")
	if again.ID != "start" {
		t.Errorf("start again leads to %s", again.ID)
	}
}

func BenchmarkStep(b *testing.B) {
	g := loadGuide(b)
	req := wegwijzer.StepRequest{Audience: "student", Lang: "nl", Institution: "roc-voorbeeldstad", Node: "count?theme=pesten&where=school", Choice: "hulp"}
	for b.Loop() {
		if _, err := g.Step(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMessage is a typed message read at the start, over every 10th message of the labelled
// corpus (a few sentences sent over and over would flatter the reader's word cache).
func BenchmarkMessage(b *testing.B) {
	g := loadGuide(b)
	train, err := classify.LoadCorpus(os.DirFS("../classify"), classify.TrainDir)
	if err != nil {
		b.Fatal(err)
	}
	var reqs []wegwijzer.MessageRequest
	for i := 0; i < len(train); i += 10 {
		reqs = append(reqs, wegwijzer.MessageRequest{Audience: train[i].Audience, Lang: train[i].Lang, Text: train[i].Text})
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := g.Message(reqs[i%len(reqs)]); err != nil {
			b.Fatal(err)
		}
	}
}
