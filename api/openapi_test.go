package api_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"meldwijzer"
	"meldwijzer/api"
)

// The OpenAPI document and the route table must list exactly the same operations.
func TestOpenAPIMatchesRouteTable(t *testing.T) {
	raw, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("not an OpenAPI 3 document: %q", doc.OpenAPI)
	}
	var documented, routed []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
	}
	for _, r := range api.Routes {
		routed = append(routed, r.Method+" "+r.Path)
	}
	slices.Sort(documented)
	slices.Sort(routed)
	for _, op := range routed {
		if !slices.Contains(documented, op) {
			t.Errorf("%s is routed but not in openapi.yaml", op)
		}
	}
	for _, op := range documented {
		if !slices.Contains(routed, op) {
			t.Errorf("%s is in openapi.yaml but not routed", op)
		}
	}
}

// The OpenAPI enums of the shared ids are exactly the Go lists (and so the content's ids).
func TestOpenAPIEnumsMatchTheGoLists(t *testing.T) {
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
	for name, want := range map[string][]string{
		"Theme": meldwijzer.Themes, "Where": meldwijzer.Wheres, "Audience": meldwijzer.Audiences,
		"Status": meldwijzer.Statuses, "Lang": meldwijzer.Languages,
	} {
		if got := doc.Components.Schemas[name].Enum; !slices.Equal(got, want) {
			t.Errorf("components.schemas.%s enum is %v, the Go list is %v", name, got, want)
		}
	}
	// Grounds and whens are inline in the report body.
	text := string(raw)
	for _, want := range [][]string{meldwijzer.Grounds, meldwijzer.Whens} {
		if !strings.Contains(text, "enum: ["+strings.Join(want, ", ")+"]") {
			t.Errorf("openapi.yaml has no enum %v", want)
		}
	}
}
