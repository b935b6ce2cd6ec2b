package classify

import (
	"fmt"
	"os"
	"slices"
	"testing"
)

func isBlindDir(dir string) bool { return slices.Contains(BlindDirs, dir) }

// What the vocabulary reads when a message names suicide, self-harm, a shooting or rape: a word
// said of oneself is a cue, always; a word that only names the subject is a cue the model may let
// go; an urgent word said as the subject of a lesson, a series or the news is no cue.
func TestNamedAndSubjectCues(t *testing.T) {
	c := classifier(t)
	for _, tc := range []struct {
		text    string
		urgent  string
		named   bool
		subject string
	}{
		// said of oneself: a cue whatever the model reads
		{"ik ben suicidaal", "suicide", false, ""},
		{"im suicidal and i dont know who to tell", "suicide", false, ""},
		{"ik heb al weken zelfmoordgedachten", "suicide", false, ""},
		{"ik wil zelfmoord plegen", "suicide", false, ""},
		{"mijn ex stalkt me en ik word er zo gek van dat ik aan zelfmoord denk", "suicide", false, ""},
		{"i keep thinking about suicide", "suicide", false, ""},
		{"ik ben gisteren verkracht", "assault", false, ""},
		{"i was raped last night", "assault", false, ""},
		{"hij heeft me vannacht verkracht", "assault", false, ""},
		{"mijn oom heeft me misbruikt en het gebeurt nog steeds", "assault", false, ""},
		{"he tried to rape me after the party", "assault", true, ""},
		// a word that names the subject and nothing more
		{"mijn oom pleegde tien jaar geleden zelfmoord", "suicide", true, ""},
		{"where can i find numbers on suicide among young people", "suicide", true, ""},
		{"hoeveel jaar cel krijg je voor aanranding", "assault", true, ""},
		{"wat is het verschil tussen aanranding en verkrachting", "assault", true, ""},
		{"the book on our list has a rape scene", "assault", true, ""},
		{"hebben wij een gedragscode tegen seksueel misbruik voor stagebedrijven", "assault", true, ""},
		// "rape" shares no stem with "rap" (music)
		{"ik heb een rap geschreven over mijn buurt", "", false, ""},
		{"we deden een rap battle in de pauze", "", false, ""},
		{"mijn neef verloor zijn broer bij een schietpartij", "danger", true, ""},
		// the subject of a lesson, a series, the news: no cue
		{"we hadden vandaag een gastles over zelfmoord", "", false, "suicide"},
		{"ik moet een werkstuk schrijven over zelfbeschadiging", "", false, "suicide"},
		{"a documentary about suicide for my essay", "", false, "suicide"},
		{"onze training zelfmoordpreventie is volgende week", "", false, "suicide"},
		{"the news about the school shooting scared me", "", false, "danger"},
		{"we watched a series about a school shooting in class", "", false, "danger"},
		{"na die docu over seksueel misbruik in de sport vroeg ik me af of wij een gedragscode hebben", "", false, "assault"},
		// a kind said of oneself wins over one only named
		{"sinds die schietpartij wil ik dood", "suicide", false, ""},
		{"mijn oom pleegde zelfmoord en nu staat er iemand met een mes voor de deur", "danger", false, ""},
		// a subject and a cue of its own: the cue counts
		{"na de les over zelfmoord wil ik ook dood", "suicide", false, ""},
		{"the lesson about suicide made me realise i want to kill myself", "suicide", false, ""},
	} {
		got := c.Classify(tc.text)
		if got.Urgent != tc.urgent || got.Named != tc.named || got.Subject != tc.subject {
			t.Errorf("%q: urgent %q named %v subject %q, want %q %v %q", tc.text, got.Urgent, got.Named, got.Subject, tc.urgent, tc.named, tc.subject)
		}
	}
}

// A word that only names the subject gives the emergency answer unless the model reads the
// message as calm beyond doubt, and a word said as the subject of a lesson or the news the direct
// question; read as calm beyond doubt, the answer to either carries the help line.
func TestNamedAndSubjectUrgency(t *testing.T) {
	th := Thresholds{UrgentSure: 0.85, UrgentAsk: 0.6, UrgentHint: 0.2, UrgentCalm: 0.01}
	named := Result{Urgent: "suicide", Named: true}
	said := Result{Urgent: "suicide"}
	subject := Result{Subject: "suicide"}
	for _, tc := range []struct {
		name        string
		v           Result
		p           float32
		urgent, ask string
	}{
		{"named, calm beyond doubt", named, 0.005, "", ""},
		{"named, at the threshold", named, 0.01, "suicide", ""},
		{"named, some risk", named, 0.15, "suicide", ""},
		{"said of oneself, calm beyond doubt", said, 0.001, "suicide", ""},
		{"subject, calm beyond doubt", subject, 0.005, "", ""},
		{"subject, a little risk", subject, 0.1, "", "suicide"},
		{"subject, some risk", subject, 0.3, "", "suicide"},
		{"subject, sure", subject, 0.9, "suicide", ""},
	} {
		u, a := th.urgency(tc.v, tc.p, "suicide", false, false)
		if u != tc.urgent || a != tc.ask {
			t.Errorf("%s: urgent %q ask %q, want %q %q", tc.name, u, a, tc.urgent, tc.ask)
		}
	}
	r := reader(t)
	for _, text := range []string{"we hadden vandaag een gastles over zelfmoord, best heftig", "where can i find numbers on suicide among young people for my report"} {
		if g := r.Read(text); g.Flagged() || g.Hint != "suicide" {
			t.Errorf("%q: urgent %q ask %q help line %q, want the help line for suicide", text, g.Urgent, g.Ask, g.Hint)
		}
	}
}

// On the training corpus, the calibration set and the incoming writers, no urgent message loses
// its flag (the emergency answer or the direct question) to the words that only name a subject
// or the words said as one. On the blind sets the losses are counted, as are the calm messages
// flagged with and without them on the sets that name suicide as a subject (8 and 9).
func TestNamedAndSubjectCostNoUrgentMessage(t *testing.T) {
	r := reader(t)
	plain := *classifier(t).compiled
	plain.subjects = subjectScope{}
	without := NewReader(newClassifier(&plain), Embedded())
	flaggedWithout := func(text string) bool {
		g := without.Read(text)
		v := g.Why.Vocabulary
		v.Named = false
		u, a := g.Why.Thresholds.urgency(v, g.Why.UrgentP, g.Why.UrgentKind, g.Why.concepts&concepts().playful != 0, g.School)
		return u != "" || a != ""
	}
	dirs := append([]string{TrainDir, CalibrationDir, IncomingDir}, BlindDirs...)
	for _, dir := range dirs {
		set, err := LoadCorpus(os.DirFS("."), dir)
		if err != nil {
			t.Fatal(err)
		}
		lost, calm, before, after := 0, 0, 0, 0
		for _, u := range set {
			g := r.Read(u.Text)
			switch {
			case u.UrgentID() != "":
				if !g.Flagged() && flaggedWithout(u.Text) {
					lost++
				}
			case !u.Trap && !u.Offtopic:
				calm++
				if flaggedWithout(u.Text) {
					before++
				}
				if g.Flagged() {
					after++
				}
			}
		}
		if isBlindDir(dir) {
			// a blind set's figures are measured, never tuned on: a loss is reported, and its
			// kind is fixed on other data
			if lost > 0 || dir == Blind8Dir || dir == Blind9Dir {
				fmt.Printf("classify: %s, named and subject words: calm messages flagged %d of %d (%d without them), urgent messages that lost their flag to them %d\n", dir, after, calm, before, lost)
			}
		} else if lost > 0 {
			t.Errorf("%s: %d urgent messages lost their flag to a named or subject word", dir, lost)
		}
	}
}
