package content_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"meldwijzer/content"
)

// contentWith returns the real content with one file's text edited by replacing old with new.
func contentWith(t *testing.T, file, old, new string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(content.FS, p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if file == "" {
		return m
	}
	f, ok := m[file]
	if !ok {
		t.Fatalf("no file %s", file)
	}
	if !strings.Contains(string(f.Data), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	m[file] = &fstest.MapFile{Data: []byte(strings.Replace(string(f.Data), old, new, 1))}
	return m
}

func TestRealContentLoads(t *testing.T) {
	b, err := content.Load(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Institutions) < 2 {
		t.Errorf("want at least two demo institutions, have %d", len(b.Institutions))
	}
	for _, inst := range b.Institutions {
		if !inst.Demo {
			t.Errorf("institution %s is not marked demo; this repository ships only fictitious ones", inst.ID)
		}
	}
	for _, aud := range []string{"student", "staff"} {
		if b.Flows[aud] == nil {
			t.Errorf("no %s flow", aud)
		}
	}
}

func TestCheckFindsProblems(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		want                 string // in the problem text, with file and line
	}{
		{"unknown field", "flows/student.yaml", "    asks: theme\n", "    asks: theme\n    colour: red\n", `flows/student.yaml:`},
		{"choice leads nowhere", "flows/student.yaml", "next: count", "next: nergens", `choice "nee" leads nowhere: node "nergens" does not exist`},
		{"missing translation", "flows/staff.yaml", `en: "Who is involved?"`, `en: ""`, `the English text (en) is missing`},
		{"unknown theme in set", "flows/student.yaml", "set: {theme: pesten}", "set: {theme: treiteren}", `unknown theme "treiteren"`},
		{"unknown route", "routing.yaml", "routes: [discriminatie-nl]", "routes: [discriminatie-nl, bel-je-oma]", `unknown route "bel-je-oma"`},
		{"route without source", "routes.yaml", "    source: https://www.politie.nl/themas/aangifte-doen.html\n", "", `route "politie" has no source`},
		{"route without verified date", "routes.yaml", "    source: https://www.politie.nl/themas/aangifte-doen.html\n    verified: 2026-11-25\n", "    source: https://www.politie.nl/themas/aangifte-doen.html\n", `route "politie" has no verified date`},
		{"tel with letters", "routes.yaml", `tel: "09008844"`, `tel: "0900-POLITIE"`, `must be digits only`},
		{"unreachable node", "flows/student.yaml", "        next: telt\n", "        next: where\n", `node "telt" cannot be reached`},
		{"dead end", "flows/student.yaml", "      - id: hulp\n        label: {nl: \"Wat kan ik doen?\", en: \"What can I do?\"}\n        next: route\n", "", `node "count" is a dead end`},
		{"emergency unreachable", "flows/staff.yaml", "      - id: terug\n        label: {nl: \"Terug naar de aanpak\", en: \"Back to the approach\"}\n        next: protocol\n      - id: gevaar\n        label: {nl: \"Er is toch gevaar\", en: \"There is danger after all\"}\n        next: urgent\n        set: {urgent: danger}\n      - id: opnieuw\n        label: {nl: \"Opnieuw beginnen\", en: \"Start again\"}\n        next: start\n        reset: true\n", "      - id: terug\n        label: {nl: \"Nog eens lezen\", en: \"Read again\"}\n        next: register\n", `the emergency route (node "urgent") cannot be reached from register`},
		{"demo with a phone number", "institutions/techniek-college-denkbeeldig.yaml", "    email: stage@techniek-college-denkbeeldig.example\n", "    email: stage@techniek-college-denkbeeldig.example\n    phone: \"020 123 4567\"\n    tel: \"0201234567\"\n", `a demo institution has no phone numbers`},
		{"missing required contact", "institutions/techniek-college-denkbeeldig.yaml", "  - role: mentor\n", "  - role: stagebegeleider\n", `no contact for the required role "mentor"`},
		{"theme ids are stable", "taxonomy.yaml", "  - id: pesten\n", "  - id: treiteren\n", `themes must be exactly`},
		{"status without a label", "taxonomy.yaml", "  - id: closed\n    label: {nl: \"Afgesloten\", en: \"Closed\"}\n", "", `statuses: "closed" has no label`},
		{"where without a label", "taxonomy.yaml", "  - id: online\n    label: {nl: \"Online of in een app\", en: \"Online or in an app\"}\n", "", `where: "online" has no label`},
		{"theme without an English label", "taxonomy.yaml", `label: {nl: "Pesten, ook online", en: "Bullying, also online"}`, `label: {nl: "Pesten, ook online"}`, `themes[3].label: the English text (en) is missing`},
		{"theme without a Dutch label", "taxonomy.yaml", `label: {nl: "Pesten, ook online", en: "Bullying, also online"}`, `label: {nl: "", en: "Bullying, also online"}`, `themes[3].label: the Dutch text (nl) is missing`},
		{"route with an empty source", "routes.yaml", "    source: https://www.113.nl/schoolopdracht\n", "    source: \"\"\n", `route "zelfmoordpreventie-113" has no source`},
		{"new route without a verified date", "routes.yaml", "    source: https://www.mensenrechten.nl/mensenrechten-voor-jou/discriminatie-en-gelijke-behandeling/discriminatieklachten-en-verzoek\n    verified: 2026-11-30\n", "    source: https://www.mensenrechten.nl/mensenrechten-voor-jou/discriminatie-en-gelijke-behandeling/discriminatieklachten-en-verzoek\n", `route "college-rechten-mens" has no verified date`},
		{"unknown value in a none condition", "flows/student.yaml", "        when: {involved: none}\n", "        when: {involved: niemand}\n", `unknown involved "niemand"`},
		{"duplicate key", "flows/student.yaml", "  danger:\n    text:\n      nl: \"Ben jij of iemand anders nu in gevaar?\"", "  count:\n    text: {nl: a, en: b}\n  danger:\n    text:\n      nl: \"Ben jij of iemand anders nu in gevaar?\"", `flows/student.yaml:`},
		{"no help line for an urgent kind", "flows/staff.yaml", "  danger:\n    text:\n      nl: \"Is er nu gevaar voor iemand? Bel 112.\"\n      en: \"Is someone in danger right now? Call 112.\"\n    route: alarm-112\n", "", `no help line for the urgent kind "danger"`},
		{"help line to a route that is no emergency", "flows/student.yaml", "    route: alarm-112\n", "    route: politie\n", `route "politie" is no emergency route`},
		{"help line without English", "flows/student.yaml", `en: "Are you or someone else not safe right now? Call 112."`, `en: ""`, `hint.danger.text: the English text (en) is missing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := content.Load(contentWith(t, tt.file, tt.old, tt.new))
			var ps content.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("want content problems, got %v", err)
			}
			for _, p := range ps {
				if p.Line == 0 && p.File != "flows" {
					t.Errorf("problem without a line: %s", p)
				}
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("want a problem containing %q, got:\n%v", tt.want, err)
			}
			if !strings.Contains(err.Error(), tt.file+":") {
				t.Errorf("the problem does not name %s with a line:\n%v", tt.file, err)
			}
		})
	}
}
