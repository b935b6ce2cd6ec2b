package api_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"meldwijzer"
	"meldwijzer/auth"
)

// The taxonomy's Go lists (taxonomy.go, report.go) are the one source of its ids. A new theme is
// added to content/ and to meldwijzer.Themes; these tests then fail until every place that shows
// or documents the ids has it: the OpenAPI enums and the pages that show themes.

func TestOpenAPIEnumsAreTheGoLists(t *testing.T) {
	raw, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum []string `yaml:"enum"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for schema, want := range map[string][]string{
		"Theme": meldwijzer.Themes, "Where": meldwijzer.Wheres, "Audience": meldwijzer.Audiences,
		"Status": meldwijzer.Statuses, "Lang": meldwijzer.Languages,
	} {
		if got := doc.Components.Schemas[schema].Enum; !slices.Equal(got, want) {
			t.Errorf("openapi.yaml components.schemas.%s.enum = %v, want %v (the Go list)", schema, got, want)
		}
	}
	// Inline enums, written as YAML flow lists.
	text := string(raw)
	for what, want := range map[string][]string{
		"grounds": meldwijzer.Grounds, "when": meldwijzer.Whens, "role": auth.Roles,
		"overdue": {meldwijzer.OverdueAcknowledge, meldwijzer.OverdueFeedback},
		"action":  {meldwijzer.AuditList, meldwijzer.AuditRead, meldwijzer.AuditReply, meldwijzer.AuditStatus, meldwijzer.AuditAssign, meldwijzer.AuditNote},
		"from":    {meldwijzer.FromReporter, meldwijzer.FromInstitution},
	} {
		enum := "enum: [" + strings.Join(want, ", ") + "]"
		if !strings.Contains(text, enum) {
			t.Errorf("openapi.yaml has no %s %s (the Go list)", what, enum)
		}
	}
}

// TestPagesShowEveryTheme: the report form offers every theme, and both pages label each one in
// Dutch and English.
func TestPagesShowEveryTheme(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("../web/static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	checks := []struct {
		file   string
		needle func(theme string) string
		times  int
	}{
		{"index.html", func(th string) string { return fmt.Sprintf(`<option value="%s"`, th) }, 1},
		{"app.js", func(th string) string { return "th_" + th + ":" }, 2},
		{"instelling/app.js", func(th string) string { return "th_" + th + ":" }, 2},
	}
	for _, c := range checks {
		text := read(c.file)
		var missing []string
		for _, th := range meldwijzer.Themes {
			if strings.Count(text, c.needle(th)) < c.times {
				missing = append(missing, th)
			}
		}
		if len(missing) > 0 {
			t.Errorf("web/static/%s lacks themes %v (%d× %q each)", c.file, missing, c.times, c.needle("<theme>"))
		}
	}
}
