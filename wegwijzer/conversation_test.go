package wegwijzer_test

import (
	"errors"
	"strings"
	"testing"

	"meldwijzer"
	"meldwijzer/wegwijzer"
)

// A typed message continues the conversation where the person is: an answer to the current
// question moves on with what is known kept; an unreadable one asks the same question again.
func TestTypedAnswersKeepTheConversationsPlace(t *testing.T) {
	g := loadGuide(t)
	tests := []struct {
		name, audience, lang, at, text string
		wantNode                       string // the node id the answer continues from (with its state)
		unclear                        bool
	}{
		{"a place at 'where'", "student", "nl", "where?theme=pesten", "op mijn stage", "danger?theme=pesten&where=stage", false},
		{"a place in English", "student", "en", "where?theme=discriminatie", "at my internship", "danger?theme=discriminatie&where=stage", false},
		{"a button's words", "student", "nl", "where?theme=agressie", "op school", "danger?theme=agressie&where=school", false},
		{"no to danger", "student", "nl", "danger?theme=pesten&where=school", "nee hoor", "count?theme=pesten&where=school", false},
		{"yes to danger", "student", "nl", "danger?theme=pesten&where=school", "ja", "urgent?theme=pesten&urgent=danger&where=school", false},
		{"yes and no is no answer", "student", "nl", "danger?theme=pesten&where=school", "ja nee", "danger?theme=pesten&where=school", true},
		{"unreadable at 'where'", "student", "nl", "where?theme=seksueel", "blablabla qwerty", "where?theme=seksueel", true},
		{"unreadable at the start", "student", "nl", "", "qwerty", "start", true},
		{"not sure at the direct question is yes", "student", "nl", "vraag-zelfdoding?theme=pesten", "weet ik niet", "urgent?theme=pesten&urgent=suicide", false},
		{"no at the direct question goes on", "student", "nl", "vraag-zelfdoding?theme=pesten", "nee", "count?theme=pesten", false},
		{"staff: no danger", "staff", "nl", "danger?involved=student-student&theme=pesten&where=school", "nee", "protocol?involved=student-student&theme=pesten&where=school", false},
		{"urgent wins at a route page", "student", "nl", "route?theme=pesten&where=school", "ik wil niet meer leven", "urgent?theme=pesten&urgent=suicide&where=school", false},
		// staff: a story that says who is involved skips that question; one that does not asks it
		{"staff: who is involved, read", "staff", "nl", "", "Een collega maakt seksuele opmerkingen tegen een studente van 16", "danger?involved=medewerker-student&theme=seksueel&where=school", false},
		{"staff: who is involved, asked", "staff", "nl", "", "Er worden racistische dingen geroepen", "involved?theme=discriminatie&where=school", false},
		{"staff: an answer to who is involved", "staff", "nl", "involved?theme=agressie", "een student heeft mij bedreigd", "danger?involved=naar-medewerker&theme=agressie&where=school", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := g.Message(wegwijzer.MessageRequest{Audience: tc.audience, Lang: tc.lang, Text: tc.text, Node: tc.at})
			if err != nil {
				t.Fatal(err)
			}
			if a.Node.ID != tc.wantNode {
				t.Errorf("continues at %q, want %q", a.Node.ID, tc.wantNode)
			}
			unclear := strings.HasPrefix(a.Node.Text, map[string]string{"nl": "Dat begreep ik niet", "en": "I did not quite"}[tc.lang])
			if unclear != tc.unclear {
				t.Errorf("says it did not understand: %v, want %v (%q)", unclear, tc.unclear, a.Node.Text)
			}
			if strings.Contains(a.Node.Text, "Hoi") || strings.Contains(a.Node.Text, "Hi.") {
				t.Errorf("greets again: %q", a.Node.Text)
			}
			if tc.unclear && len(a.Node.Options) == 0 {
				t.Error("an unreadable message must offer the current question's options again")
			}
		})
	}
}

func TestMessageAtAnUnknownNodeIsAnError(t *testing.T) {
	g := loadGuide(t)
	_, err := g.Message(wegwijzer.MessageRequest{Audience: "student", Lang: "nl", Text: "hoi", Node: "nergens"})
	if meldwijzer.ErrorCode(err) != meldwijzer.EINVALID {
		t.Fatalf("err %v, want %s", err, meldwijzer.EINVALID)
	}
	if !errors.As(err, new(*meldwijzer.Error)) {
		t.Fatalf("not the domain's error: %T", err)
	}
}

// The crisis answer shows the call that fits first and no unrelated emergency cards.
func TestCrisisAnswerShowsTheCallThatFits(t *testing.T) {
	g := loadGuide(t)
	for _, audience := range []string{"student", "staff"} {
		for _, tc := range []struct{ kind, first, absent string }{
			{"suicide", "zelfmoordpreventie-113", "centrum-seksueel-geweld"},
			{"danger", "alarm-112", "centrum-seksueel-geweld"},
			{"assault", "centrum-seksueel-geweld", "zelfmoordpreventie-113"},
		} {
			n, err := g.Step(wegwijzer.StepRequest{Audience: audience, Lang: "nl", Node: "urgent?urgent=" + tc.kind})
			if err != nil {
				t.Fatal(err)
			}
			ids := routeIDs(n)
			if len(ids) == 0 || ids[0] != tc.first {
				t.Errorf("%s %s: routes %v, want %s first", audience, tc.kind, ids, tc.first)
			}
			for _, id := range ids {
				if id == tc.absent {
					t.Errorf("%s %s: shows the unrelated %s", audience, tc.kind, id)
				}
			}
		}
	}
}

// A route page leads with the one best next step: the route its own advice names.
func TestRoutePageLeadsWithTheStepItAdvises(t *testing.T) {
	g := loadGuide(t)
	for _, tc := range []struct{ node, first string }{
		{"route?theme=pesten&where=stage", "institution:meldpunt-stage"},
		{"route?theme=stagemisbruik&where=stage", "institution:meldpunt-stage"},
		{"route?theme=thuis&where=elders", "veilig-thuis"},
		{"route?theme=pesten&where=school", "institution:mentor"},
	} {
		n, err := g.Step(wegwijzer.StepRequest{Audience: "student", Lang: "nl", Node: tc.node})
		if err != nil {
			t.Fatal(err)
		}
		if ids := routeIDs(n); len(ids) == 0 || ids[0] != tc.first {
			t.Errorf("%s: routes %v, want %s first", tc.node, ids, tc.first)
		}
	}
}
