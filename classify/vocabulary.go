// Package classify reads a free-text message typed by a student or staff member and guesses its
// theme, where it happened and whether it is urgent. It works offline on a vocabulary that content
// editors maintain (content/vocabulary.yaml); it never stores, logs or sends the text.
package classify

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
)

// Vocabulary is the content of content/vocabulary.yaml. See the comment header of that file for
// the meaning of every field and the syntax of an entry.
type Vocabulary struct {
	// Threshold is the lowest score a theme or where needs to be chosen (default 1).
	Threshold float64 `yaml:"threshold"`
	// Slang maps one chat word to what it means (one or more words): "mn" -> "mijn".
	Slang map[string]string `yaml:"slang"`
	// Negations are words that cancel an urgent cue right before it in the same clause ("niet").
	Negations []string `yaml:"negations"`
	// Known are real words that look like a typo of a vocabulary word but are not ("posten").
	Known []string `yaml:"known"`
	// Idioms are phrases that never count for a theme or urgency ("ik schrok me dood").
	Idioms []string `yaml:"idioms"`
	// Themes in order of priority (the first wins a tie).
	Themes []Cues `yaml:"themes"`
	// Where in order of priority.
	Where []Cues `yaml:"where"`
	// Involved in order of priority: who is involved, as staff describe it (the staff flow's
	// involved question is skipped when a message says it clearly).
	Involved []Cues `yaml:"involved"`
	// Urgent holds the cues of the three urgent kinds.
	Urgent UrgentCues `yaml:"urgent"`
	// SchoolTalk says when what goes badly is school itself ("geen zin meer in deze opleiding"):
	// hopelessness about school then gets the direct question, never the emergency answer
	// (Reader.Read).
	SchoolTalk Scope `yaml:"schoolTalk"`
	// Subjects say when an urgent word is the subject of a lesson, a series, the news or a
	// training ("een gastles over zelfmoord"): hidden from urgency, the model reads the rest.
	Subjects Subjects `yaml:"subjects"`
}

// Subjects are urgent words said as a subject. An entry of Any is one by itself
// ("zelfmoordpreventie"); an entry of Words is one when an entry of Links comes at most Within
// words before it and an entry of Topics at most Within words before that, all in one clause
// ("een les over zelfmoord", "a documentary about self-harm").
type Subjects struct {
	Any    []string `yaml:"any"`
	Topics []string `yaml:"topics"`
	Links  []string `yaml:"links"`
	Words  []string `yaml:"words"`
	Within int      `yaml:"within"`
}

// Scope says what a message is about: an entry of Said within Within words of an entry of About
// (negated or not: "ik wil niet meer naar school"), and no entry of Unless in the message.
type Scope struct {
	About  []string `yaml:"about"`
	Said   []string `yaml:"said"`
	Within int      `yaml:"within"`
	Unless []string `yaml:"unless"`
}

// Cues are the entries that point to one theme or one where.
type Cues struct {
	ID string `yaml:"id"`
	// Where is, for a theme, the where to assume when the message names none (thuis -> elders);
	// with WhereAlways it is the where of this theme whatever place the message names.
	Where       string   `yaml:"where"`
	WhereAlways bool     `yaml:"whereAlways"`
	Strong      []string `yaml:"strong"` // weight 2
	Words       []string `yaml:"words"`  // weight 1
	Weak        []string `yaml:"weak"`   // weight 0.5
	Combos      []Combo  `yaml:"combos"`
}

// Combo counts when every group has an entry in the message (within Within tokens of each other
// when Within > 0).
type Combo struct {
	All    [][]string `yaml:"all"`
	Within int        `yaml:"within"`
	Weight float64    `yaml:"weight"` // for themes and where; ignored for urgent
}

// UrgentCues are the cues per urgent kind.
type UrgentCues struct {
	Danger  Urgent `yaml:"danger"`
	Suicide Urgent `yaml:"suicide"`
	Assault Urgent `yaml:"assault"`
}

// Urgent are the cues of one urgent kind. It fires on any entry of Any or Named or on a Combo,
// unless an entry of Unless is in the message. Theme is the theme to give when no theme was found.
type Urgent struct {
	Theme string   `yaml:"theme"`
	Any   []string `yaml:"any"`
	// Named are words that name the subject ("zelfmoord", "schietpartij"): a cue as Any is,
	// unless the model reads the message as calm beyond doubt (Thresholds.UrgentCalm), when
	// the answer carries the help line instead. A word said of oneself ("ik ben suicidaal")
	// belongs in Any: the model may read it as calm.
	Named  []string `yaml:"named"`
	Combos []Combo  `yaml:"combos"`
	Unless []string `yaml:"unless"`
}

// urgentKinds lists the kinds with their ids, in the order they win (danger first).
func (u *UrgentCues) kinds() []struct {
	id string
	u  *Urgent
} {
	return []struct {
		id string
		u  *Urgent
	}{{"danger", &u.Danger}, {"suicide", &u.Suicide}, {"assault", &u.Assault}}
}

// ParseVocabulary decodes the vocabulary strictly: unknown fields, duplicate keys and wrong types
// are errors that name the line.
func ParseVocabulary(data []byte) (*Vocabulary, error) {
	var v Vocabulary
	if err := yaml.UnmarshalWithOptions(data, &v, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("vocabulary: %s", describeYAMLError(err))
	}
	return &v, nil
}

func describeYAMLError(err error) string {
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			return fmt.Sprintf("line %d, column %d: %s", tk.Position.Line, tk.Position.Column, ye.GetMessage())
		}
		return ye.GetMessage()
	}
	return err.Error()
}

// Check returns every problem in the vocabulary as a readable line: ids that are not in themes or
// wheres, missing or empty lists, duplicate entries, entries that are empty after normalisation.
func (v *Vocabulary) Check(themes, wheres, involved []string) []string {
	var ps []string
	add := func(format string, a ...any) { ps = append(ps, fmt.Sprintf(format, a...)) }

	if v.Threshold < 0 {
		add("threshold: must not be negative (got %v)", v.Threshold)
	}
	for k, val := range v.Slang {
		nk, nv := normalizeWords(k), normalizeWords(val)
		if len(nk) != 1 {
			add("slang %q: the key must be one word", k)
		} else if nk[0] != k {
			add("slang %q: write the key as it normalises: %q", k, nk[0])
		}
		if len(nv) == 0 {
			add("slang %q: the meaning is empty", k)
		}
	}
	checkList(&ps, "negations", v.Negations, true)
	for _, n := range v.Negations {
		if len(normalizeWords(n)) > 1 {
			add("negations: %q must be one word", n)
		}
	}
	checkList(&ps, "known", v.Known, false)
	checkList(&ps, "idioms", v.Idioms, true)

	checkCues(&ps, "themes", v.Themes, themes, wheres, true)
	checkCues(&ps, "where", v.Where, wheres, nil, false)
	if len(v.Involved) > 0 {
		checkCues(&ps, "involved", v.Involved, involved, nil, false)
	}

	checkList(&ps, "schoolTalk.about", v.SchoolTalk.About, true)
	checkList(&ps, "schoolTalk.said", v.SchoolTalk.Said, true)
	checkList(&ps, "schoolTalk.unless", v.SchoolTalk.Unless, false)
	if v.SchoolTalk.Within <= 0 {
		add("schoolTalk.within: must be more than 0 (got %d)", v.SchoolTalk.Within)
	}
	if sj := v.Subjects; len(sj.Any)+len(sj.Words) > 0 {
		checkList(&ps, "subjects.any", sj.Any, false)
		checkList(&ps, "subjects.topics", sj.Topics, len(sj.Words) > 0)
		checkList(&ps, "subjects.links", sj.Links, len(sj.Words) > 0)
		checkList(&ps, "subjects.words", sj.Words, false)
		if len(sj.Words) > 0 && sj.Within <= 0 {
			add("subjects.within: must be more than 0 (got %d)", sj.Within)
		}
	}

	for _, k := range v.Urgent.kinds() {
		name := "urgent." + k.id
		if k.u.Theme != "" && !slices.Contains(themes, k.u.Theme) {
			add("%s.theme: unknown theme %q (known: %s)", name, k.u.Theme, strings.Join(themes, ", "))
		}
		if len(k.u.Any) == 0 && len(k.u.Named) == 0 && len(k.u.Combos) == 0 {
			add("%s: needs entries in any, named or combos", name)
		}
		checkList(&ps, name+".any", k.u.Any, false)
		checkList(&ps, name+".named", k.u.Named, false)
		checkList(&ps, name+".unless", k.u.Unless, false)
		for i, c := range k.u.Combos {
			checkCombo(&ps, fmt.Sprintf("%s.combos[%d]", name, i), c, false)
		}
	}
	return ps
}

func checkCues(ps *[]string, section string, list []Cues, ids, wheres []string, isTheme bool) {
	add := func(format string, a ...any) { *ps = append(*ps, fmt.Sprintf(format, a...)) }
	if len(list) == 0 {
		add("%s: the list is empty", section)
	}
	seen := map[string]bool{}
	for i, c := range list {
		name := fmt.Sprintf("%s[%d]", section, i)
		if c.ID != "" {
			name = fmt.Sprintf("%s[%s]", section, c.ID)
		}
		switch {
		case c.ID == "":
			add("%s: id is missing", name)
		case !slices.Contains(ids, c.ID):
			add("%s: unknown id %q (known: %s)", name, c.ID, strings.Join(ids, ", "))
		case seen[c.ID]:
			add("%s: id %q is listed twice", name, c.ID)
		}
		seen[c.ID] = true
		if isTheme {
			if c.Where != "" && !slices.Contains(wheres, c.Where) {
				add("%s.where: unknown where %q (known: %s)", name, c.Where, strings.Join(wheres, ", "))
			}
		} else if c.Where != "" || c.WhereAlways {
			add("%s.where: only a theme has a default where", name)
		}
		if c.WhereAlways && c.Where == "" {
			add("%s.whereAlways: needs a where", name)
		}
		if len(c.Strong)+len(c.Words)+len(c.Weak)+len(c.Combos) == 0 && c.ID != "anders" {
			add("%s: has no entries (strong, words, weak or combos)", name)
		}
		all := slices.Concat(c.Strong, c.Words, c.Weak)
		checkList(ps, name, all, false)
		for j, cb := range c.Combos {
			checkCombo(ps, fmt.Sprintf("%s.combos[%d]", name, j), cb, true)
		}
	}
}

func checkCombo(ps *[]string, name string, c Combo, weighted bool) {
	add := func(format string, a ...any) { *ps = append(*ps, fmt.Sprintf(format, a...)) }
	if len(c.All) < 2 {
		add("%s: all needs at least two groups", name)
	}
	for i, g := range c.All {
		if len(g) == 0 {
			add("%s.all[%d]: the group is empty", name, i)
		}
		checkList(ps, fmt.Sprintf("%s.all[%d]", name, i), g, false)
	}
	if weighted && c.Weight <= 0 {
		add("%s: weight must be above 0", name)
	}
	if c.Within < 0 {
		add("%s: within must not be negative", name)
	}
}

// checkList reports empty and duplicate entries and entries with a bad pattern.
func checkList(ps *[]string, name string, list []string, mustHave bool) {
	add := func(format string, a ...any) { *ps = append(*ps, fmt.Sprintf(format, a...)) }
	if mustHave && len(list) == 0 {
		add("%s: the list is empty", name)
	}
	seen := map[string]bool{}
	for _, e := range list {
		if err := validEntry(e); err != "" {
			add("%s: entry %q %s", name, e, err)
			continue
		}
		key := entryKey(e)
		if seen[key] {
			add("%s: entry %q is listed twice", name, e)
		}
		seen[key] = true
	}
}

// validEntry returns what is wrong with an entry, or "".
func validEntry(e string) string {
	body := strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(e, "="), "*"), "*")
	words := normalizeWords(body)
	switch {
	case len(words) == 0:
		return "is empty after normalisation"
	case (strings.HasPrefix(e, "*") || strings.HasSuffix(e, "*") || strings.HasPrefix(e, "=")) && len(words) > 1:
		return "uses * or = but has more than one word"
	case strings.HasPrefix(e, "*") && strings.HasSuffix(e, "*"):
		return "may not start and end with *"
	case len(words) > 8:
		return "has more than 8 words"
	}
	return ""
}

// entryKey is an entry as it is compiled: its markers and its normalised words.
func entryKey(e string) string {
	mark := ""
	switch {
	case strings.HasPrefix(e, "="):
		mark, e = "=", e[1:]
	case strings.HasSuffix(e, "*"):
		mark, e = "*", strings.TrimSuffix(e, "*")
	case strings.HasPrefix(e, "*"):
		mark, e = "^", e[1:]
	}
	return mark + strings.Join(normalizeWords(e), " ")
}
