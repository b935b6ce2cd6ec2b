package api

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"meldwijzer/wegwijzer"
)

// A step's answer, written around the node's ready JSON, is what encoding/json makes of
// {"node": node}, for nodes from the start to a route page, and for no node.
func TestStepAnswerIsTheNodeJSON(t *testing.T) {
	g, _, err := wegwijzer.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []wegwijzer.StepRequest{
		{Audience: "student", Lang: "nl"},
		{Audience: "staff", Lang: "en"},
		{Audience: "student", Lang: "nl", Node: "route?theme=pesten&where=school"},
	} {
		node, err := g.Step(req)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []*wegwijzer.Node{node, nil} {
			rec := httptest.NewRecorder()
			writeJSON(rec, 200, stepAnswer{n})
			type plainNode wegwijzer.Node // without its MarshalJSON
			want, _ := json.Marshal(map[string]*plainNode{"node": (*plainNode)(n)})
			if got := rec.Body.String(); got != string(want)+"\n" {
				t.Errorf("%+v: got %.200s\nwant %.200s", req, got, want)
			}
		}
	}
}
