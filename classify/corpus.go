package classify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"meldwijzer"
)

// Utterance is one labelled message of the corpus (classify/corpus/README.md explains every field).
type Utterance struct {
	Text     string   `json:"text"`
	Lang     string   `json:"lang"`
	Audience string   `json:"audience"`
	Theme    *string  `json:"theme"`
	Where    *string  `json:"where"`
	Urgent   string   `json:"urgent"`
	Kind     string   `json:"kind"`
	Trap     bool     `json:"trap"`
	Offtopic bool     `json:"offtopic"`
	Involved []string `json:"involved"`
	// Source is the file the utterance came from (set by LoadCorpus, not part of the file).
	Source string `json:"-"`
}

// ThemeID is the theme, "" for none.
func (u Utterance) ThemeID() string { return deref(u.Theme) }

// WhereID is the where, "" for none.
func (u Utterance) WhereID() string { return deref(u.Where) }

// UrgentID is the urgent kind, "" for none.
func (u Utterance) UrgentID() string {
	if u.Urgent == "none" {
		return ""
	}
	return u.Urgent
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Involved values a corpus line may carry (who is involved, as staff describe it).
var corpusInvolved = []string{"student", "staff", "parent", "workplace", "outsider"}

// Validate checks the labels against the taxonomy.
func (u Utterance) Validate() error {
	switch {
	case strings.TrimSpace(u.Text) == "":
		return fmt.Errorf("empty text")
	case !slices.Contains(meldwijzer.Languages, u.Lang):
		return fmt.Errorf("lang %q", u.Lang)
	case !slices.Contains(meldwijzer.Audiences, u.Audience):
		return fmt.Errorf("audience %q", u.Audience)
	case u.Theme != nil && !slices.Contains(meldwijzer.Themes, *u.Theme):
		return fmt.Errorf("theme %q", *u.Theme)
	case u.Where != nil && !slices.Contains(meldwijzer.Wheres, *u.Where):
		return fmt.Errorf("where %q", *u.Where)
	case u.Urgent != "none" && !slices.Contains(meldwijzer.UrgentKinds, u.Urgent):
		return fmt.Errorf("urgent %q", u.Urgent)
	case u.Trap && u.Urgent != "none":
		return fmt.Errorf("a trap is never urgent")
	case u.Offtopic && (u.Urgent != "none" || u.Theme != nil):
		return fmt.Errorf("an off-topic message has no theme and is not urgent")
	}
	for _, v := range u.Involved {
		if !slices.Contains(corpusInvolved, v) {
			return fmt.Errorf("involved %q", v)
		}
	}
	return nil
}

// LoadCorpus reads every *.jsonl file in dir of fsys, in name order, strictly: an unknown field or
// label is an error with file and line.
func LoadCorpus(fsys fs.FS, dir string) ([]Utterance, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no .jsonl files", dir)
	}
	var out []Utterance
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for line := 1; sc.Scan(); line++ {
			raw := bytes.TrimSpace(sc.Bytes())
			if len(raw) == 0 {
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			var u Utterance
			if err := dec.Decode(&u); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			if err := u.Validate(); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			u.Source = path.Base(name)
			out = append(out, u)
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return out, nil
}

// NormalizedText is the text as the reader sees it (tokens joined by spaces), to find the same
// message written twice, or a test message that slipped into training.
func NormalizedText(s string) string { return strings.Join(normalizeWords(s), " ") }
