package wegwijzer_test

import (
	"encoding/json"
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
		// an answer word in a story is no answer: "nee" here is not "no danger"
		{"a story with an answer word in it", "student", "nl", "danger?theme=pesten&where=school", "nee want ze lachen me elke dag uit in de kantine en niemand doet er iets aan", "danger?theme=pesten&where=school", false},
		{"yes and no is no answer", "student", "nl", "danger?theme=pesten&where=school", "ja nee", "danger?theme=pesten&where=school", true},
		// a reply that holds more than answer words is read for danger first
		{"an answer with danger in it", "student", "nl", "danger?theme=pesten&where=school", "nee maar hij staat nu buiten met een mes", "urgent?theme=agressie&urgent=danger&where=elders", false},
		{"a place with danger in it", "student", "nl", "where?theme=pesten", "thuis, hij slaat me nu", "urgent?theme=thuis&urgent=danger&where=elders", false},
		{"unreadable at 'where'", "student", "nl", "where?theme=seksueel", "blablabla qwerty", "where?theme=seksueel", true},
		{"unreadable at the start", "student", "nl", "", "qwerty", "start", true},
		{"not sure at the direct question is yes", "student", "nl", "vraag-zelfdoding?theme=pesten", "weet ik niet", "urgent?theme=pesten&urgent=suicide", false},
		{"no at the direct question goes on", "student", "nl", "vraag-zelfdoding?theme=pesten", "nee", "count?theme=pesten", false},
		{"staff: no danger", "staff", "nl", "danger?involved=student-student&theme=pesten&where=school", "nee", "protocol?involved=student-student&theme=pesten&where=school", false},
		{"urgent wins at a route page", "student", "nl", "route?theme=pesten&where=school", "ik wil niet meer leven", "urgent?theme=pesten&urgent=suicide&where=school", false},
		// an urgent cue in a joke the model reads as calm is asked about directly, never let go;
		// with a plan and a moment the joke marker changes nothing
		{"a cue in a joke is asked about", "student", "nl", "where?theme=pesten", "als die rekenles nog langer duurt pleeg ik zelfmoord hahaha grapje", "vraag-zelfdoding?theme=pesten", false},
		{"a cue in a game is asked about", "student", "en", "", "bro im gonna shoot you in fortnite tonight lmao", "vraag-gevaar?theme=agressie&where=online", false},
		{"a joke marker does not hide a plan", "student", "nl", "where?theme=pesten", "lol ik wil echt dood vanavond, heb de pillen al", "urgent?theme=pesten&urgent=suicide", false},
		// staff: a story that says who is involved skips that question; one that does not asks it
		{"staff: who is involved, read", "staff", "nl", "", "Een collega maakt seksuele opmerkingen tegen een studente van 16", "danger?involved=medewerker-student&theme=seksueel&where=school", false},
		{"staff: who is involved, asked", "staff", "nl", "", "Er worden racistische dingen geroepen in de klas", "involved?theme=discriminatie&where=school", false},
		{"staff: an answer to who is involved", "staff", "nl", "involved?theme=agressie", "een student heeft mij bedreigd", "danger?involved=naar-medewerker&theme=agressie&where=school", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			answer, err := g.Message(wegwijzer.MessageRequest{Audience: tc.audience, Lang: tc.lang, Text: tc.text, Node: tc.at})
			if err != nil {
				t.Fatal(err)
			}
			// as the phone reads it: the JSON (a shared node's is made once; the "did not
			// understand" text is on a copy)
			var a struct {
				Node struct {
					ID, Text string
					Options  []json.RawMessage
				}
			}
			if data, err := json.Marshal(answer); err != nil || json.Unmarshal(data, &a) != nil {
				t.Fatalf("encoding the answer: %v", err)
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

// An answer's JSON, made around a shared node's ready JSON, is what encoding/json makes of the
// same fields, for every kind of node a message reaches.
func TestAnswerJSONIsTheFieldsJSON(t *testing.T) {
	g := loadGuide(t)
	for _, text := range []string{"ik word gepest op school", "ik wil niet meer leven", "qwerty", "mijn stagebegeleider zit aan me <script>", "ik ben bang voor mijn stiefvader"} {
		for round := range 2 { // the second time from the node cache
			a, err := g.Message(wegwijzer.MessageRequest{Audience: "student", Lang: "nl", Text: text, Institution: "roc-voorbeeldstad"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			type plainNode wegwijzer.Node // without its MarshalJSON
			want, _ := json.Marshal(struct {
				Theme  *string    `json:"theme"`
				Where  *string    `json:"where"`
				Urgent bool       `json:"urgent"`
				Node   *plainNode `json:"node"`
			}{a.Theme, a.Where, a.Urgent, (*plainNode)(a.Node)})
			if string(got) != string(want) {
				t.Errorf("%q, round %d:\n got %s\nwant %s", text, round, got, want)
			}
		}
	}
	// Fields that are no plain content id are escaped as encoding/json escapes them.
	odd, plain := `a"b<\é`+"\n", "pesten"
	for _, a := range []wegwijzer.MessageAnswer{{Theme: &odd, Where: &plain, Urgent: true}, {Where: &odd}, {}} {
		got, err := json.Marshal(&a)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(struct {
			Theme  *string         `json:"theme"`
			Where  *string         `json:"where"`
			Urgent bool            `json:"urgent"`
			Node   *wegwijzer.Node `json:"node"`
		}{a.Theme, a.Where, a.Urgent, nil})
		if string(got) != string(want) {
			t.Errorf("got %s\nwant %s", got, want)
		}
	}
}

// Some risk in a typed message, less than the direct question needs, leaves the conversation as it
// was and adds the help line with the number that fits; a calm message has none, and neither
// has the emergency answer (its numbers are on screen already).
func TestSomeRiskCarriesTheHelpLine(t *testing.T) {
	g := loadGuide(t)
	tests := []struct {
		name, audience, lang, text string
		kind, tel                  string // the help line's kind and the number it calls ("": none)
	}{
		{"crying every night over a group chat", "student", "nl", "ik huil al weken elke avond om wat ze in de groepsapp over me posten", "suicide", "113"},
		{"afraid of a stepfather", "student", "nl", "ik ben bang voor mijn stiefvader", "danger", "112"},
		{"in English", "student", "en", "im scared of my stepdad", "danger", "112"},
		{"staff passing on a student's words", "staff", "en", "A student told me he feels like nothing matters lately", "suicide", "113"},
		{"calm", "student", "nl", "ik word gepest in de klas", "", ""},
		{"urgent", "student", "nl", "ik wil niet meer leven", "", ""},
		// suicide as the subject of a lesson or a report, read as calm beyond doubt: the
		// conversation goes on, with 113 beside it, and not the emergency answer
		{"a guest lesson about suicide", "student", "nl", "we hadden vandaag een gastles over zelfmoord, best heftig", "suicide", "113"},
		{"numbers for a report", "student", "en", "where can i find numbers on suicide among young people for my report", "suicide", "113"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := g.Message(wegwijzer.MessageRequest{Audience: tc.audience, Lang: tc.lang, Text: tc.text})
			if err != nil {
				t.Fatal(err)
			}
			h := a.Node.Hint
			if tc.kind == "" {
				if h != nil {
					t.Errorf("help line %+v, want none", *h)
				}
				return
			}
			if h == nil {
				t.Fatalf("no help line at %s", a.Node.ID)
			}
			if h.Kind != tc.kind || h.Route.Tel != tc.tel || h.Text == "" || h.Route.Kind != "emergency" {
				t.Errorf("help line %s %q calls %q (a route of kind %s), want %s calling %s", h.Kind, h.Text, h.Route.Tel, h.Route.Kind, tc.kind, tc.tel)
			}
			if a.Urgent || strings.HasPrefix(a.Node.ID, "vraag-") {
				t.Errorf("the conversation changed course: %s", a.Node.ID)
			}
			// the node itself is shared: the next person at the same place sees no help line
			again, err := g.Step(wegwijzer.StepRequest{Audience: tc.audience, Lang: tc.lang, Node: a.Node.ID})
			if err != nil {
				t.Fatal(err)
			}
			if again.ID == a.Node.ID && again.Hint != nil {
				t.Errorf("the shared node %s kept the help line", again.ID)
			}
			data, _ := json.Marshal(a)
			if !strings.Contains(string(data), `"hint":{"kind":"`+tc.kind+`"`) {
				t.Errorf("the answer's JSON has no help line: %s", data)
			}
		})
	}
	// where the number is on screen already (the emergency answer opens with 113), no help line
	a, err := g.Message(wegwijzer.MessageRequest{Audience: "student", Lang: "nl", Node: "urgent?urgent=suicide", Text: "ik voel me leeg"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Node.ID, "urgent") || a.Node.Hint != nil {
		t.Errorf("at %s the help line is %+v, want the emergency answer without one", a.Node.ID, a.Node.Hint)
	}
}

// More of the story that answers nothing keeps the question, with thanks instead of "I did not
// understand": the message was read.
func TestMoreOfTheStoryIsNoted(t *testing.T) {
	g := loadGuide(t)
	tests := []struct{ audience, lang, at, text, said, question string }{
		{"student", "nl", "danger?theme=pesten&where=school", "nee want ze lachen me elke dag uit in de kantine en niemand doet er iets aan", "Dank je dat je dit vertelt.", "nu in gevaar?"},
		{"student", "en", "danger?theme=pesten&where=school", "they laugh at me every day in the canteen and nobody does anything about it", "Thank you for telling me.", "danger right now?"},
		{"student", "nl", "danger?theme=pesten&where=school", "qwerty asdf", "Dat begreep ik niet goed", "nu in gevaar?"},
	}
	for _, tc := range tests {
		a, err := g.Message(wegwijzer.MessageRequest{Audience: tc.audience, Lang: tc.lang, Node: tc.at, Text: tc.text})
		if err != nil {
			t.Fatal(err)
		}
		if a.Node.ID != tc.at || !strings.HasPrefix(a.Node.Text, tc.said) || !strings.Contains(a.Node.Text, tc.question) || len(a.Node.Options) == 0 {
			t.Errorf("%q: at %s says %q with %d options; want %s, %q and the question again", tc.text, a.Node.ID, a.Node.Text, len(a.Node.Options), tc.at, tc.said)
		}
	}
}

// A message about school itself going badly gets the direct question about suicide with a
// sentence before it that says why the guide asks about life after a message about school; the
// direct question after any other message has no such sentence.
func TestSchoolTalkIsAskedWithWhy(t *testing.T) {
	g := loadGuide(t)
	tests := []struct{ audience, lang, text, said string }{
		{"student", "nl", "ik heb echt geen zin meer in deze opleiding, wat heeft het voor nut", "Je schrijft over school."},
		{"student", "en", "honestly there is no point in this course anymore, i want to quit", "You are writing about school."},
		{"staff", "nl", "een student zei vandaag dat ze klaar is met de opleiding en dat het geen zin meer heeft", "Dit gaat over school."},
	}
	for _, tc := range tests {
		a, err := g.Message(wegwijzer.MessageRequest{Audience: tc.audience, Lang: tc.lang, Text: tc.text})
		if err != nil {
			t.Fatal(err)
		}
		if a.Urgent || !strings.HasPrefix(a.Node.ID, "vraag-zelfdoding") || !strings.HasPrefix(a.Node.Text, tc.said) || len(a.Node.Options) != 2 {
			t.Errorf("%q: urgent %v at %s says %q; want the direct question after %q", tc.text, a.Urgent, a.Node.ID, a.Node.Text, tc.said)
		}
	}
	a, err := g.Message(wegwijzer.MessageRequest{Audience: "student", Lang: "nl", Text: "alles is zinloos"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Node.ID, "vraag-zelfdoding") || strings.Contains(a.Node.Text, "school") {
		t.Errorf("a message about life, not school: at %s says %q; want the direct question alone", a.Node.ID, a.Node.Text)
	}
}
