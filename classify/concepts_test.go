package classify

import (
	_ "embed"
	"slices"
	"strings"
	"testing"
)

// conceptsTSV is the lexicon's source, for the tests that parse it (the generator reads the file).
//
//go:embed concepts.tsv
var conceptsTSV string

// The embedded lexicon parses, and a bad line is refused with its line number.
// The concepts the reader names in code (playful ones, and those that take a message beyond school
// talk) are in the lexicon: a renamed concept must not silently drop out of a rule.
func TestNamedConceptsExist(t *testing.T) {
	for _, name := range append(slices.Clone(playfulConcepts), lifeConcepts...) {
		if !slices.Contains(concepts().names, name) {
			t.Errorf("concept %q is not in concepts.tsv", name)
		}
	}
}

func TestConceptLexicon(t *testing.T) {
	if _, err := parseConcepts(conceptsTSV); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ src, want string }{
		{"method pills\n", "concepts.tsv:1: want CONCEPT<TAB>PHRASE"},
		{"method\t\n", `concepts.tsv:1: no words in ""`},
		{"# ok\nmethod\tvan de brug af\n", `concepts.tsv:2: "van de brug af" has more than 3 words`},
	} {
		if _, err := parseConcepts(tc.src); err == nil || err.Error() != tc.want {
			t.Errorf("parseConcepts(%q) = %v, want %s", tc.src, err, tc.want)
		}
	}
	var many strings.Builder
	for i := range maxConcepts + 1 {
		many.WriteString("c" + strings.Repeat("x", i) + "\tword\n")
	}
	if _, err := parseConcepts(many.String()); err == nil {
		t.Error("more concepts than a mask holds were accepted")
	}
}

// A concept is found by a word alone and by a phrase, as the reader normalises a message (case
// and accents), also when a longer phrase starting with the same word does not
// follow; and each pair of concepts found is a feature of its own.
func TestConceptsOfAMessage(t *testing.T) {
	ct, err := parseConcepts("method\tpillen\nmethod\thele strip\ntaken\thele strip op\ntime_now\tvanavond\ntime_now\tnu meteen\n")
	if err != nil {
		t.Fatal(err)
	}
	of := func(text string) []string {
		return ct.namesOf(ct.mask(idsOf(ct, text)))
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"ik heb PILLEN", []string{"method"}},
		{"een héle strip", []string{"method"}},
		{"de hele strip op, VANAVOND", []string{"method", "taken", "time_now"}},
		{"hele dag nu", nil},
		{"nu meteen", []string{"time_now"}},
		{"", nil},
	} {
		if got := of(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("concepts of %q = %v, want %v", tc.text, got, tc.want)
		}
	}
	got := ct.appendFeatures(nil, ct.mask(idsOf(ct, "pillen vanavond")))
	want := []uint32{bucket(fConcept, "method") | wordView, bucket(fConceptPair, "method time_now") | wordView, bucket(fConcept, "time_now") | wordView}
	if !slices.Equal(got, want) {
		t.Errorf("features of two concepts = %v, want %v", got, want)
	}
}

func idsOf(ct *conceptTable, text string) []uint32 {
	var ids []uint32
	for _, tok := range tokenize(text) {
		ids = append(ids, ct.ids.get(tok.text))
	}
	return ids
}
