package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/english"
)

// token is one word (or one emoji) of a message after normalisation.
type token struct {
	text   string // lowercased, accents stripped, runs of 3+ equal letters collapsed to 2
	clause int    // index of the clause (split at . , ! ? ; : and new lines)
}

// foldRune maps a lowercased rune with a diacritic to its base letter(s); ok is false when the rune
// has no mapping.
func foldRune(r rune) (string, bool) {
	switch r {
	case 'á', 'à', 'ä', 'â', 'ã', 'å', 'ā':
		return "a", true
	case 'é', 'è', 'ë', 'ê', 'ē', 'ę':
		return "e", true
	case 'í', 'ì', 'ï', 'î', 'ī', 'ı':
		return "i", true
	case 'ó', 'ò', 'ö', 'ô', 'õ', 'ø', 'ō':
		return "o", true
	case 'ú', 'ù', 'ü', 'û', 'ū':
		return "u", true
	case 'ý', 'ÿ':
		return "y", true
	case 'ñ':
		return "n", true
	case 'ç', 'ć', 'č':
		return "c", true
	case 'š', 'ş', 'ś':
		return "s", true
	case 'ž', 'ź', 'ż':
		return "z", true
	case 'ğ':
		return "g", true
	case 'ł':
		return "l", true
	case 'ß':
		return "ss", true
	case 'æ':
		return "ae", true
	case 'œ':
		return "oe", true
	case 'ĳ':
		return "ij", true
	}
	return "", false
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == '‘' || r == '`' || r == '´'
}

func isClauseBreak(r rune) bool {
	switch r {
	case '.', ',', '!', '?', ';', ':', '\n', '\r', '…', '(', ')', '"', '“', '”':
		return true
	}
	return false
}

// isEmoji reports whether r is a pictographic symbol that is kept as a token of its own (💀, 😂).
func isEmoji(r rune) bool {
	return r >= 0x2600 && (unicode.Is(unicode.So, r))
}

// tokenize normalises text and splits it into tokens: lowercase, accents stripped, apostrophes inside
// a word dropped ("zo'n" -> "zon", "dm'en" -> "dmen"), letters and digits kept, everything else a
// separator; emoji become one-rune tokens; runs of three or more equal letters become two
// ("heeeel" -> "heel"; the single-letter variant is tried later). The tokens share one string.
func tokenize(text string) []token {
	type span struct{ start, end, clause int }
	buf := make([]byte, 0, len(text))
	var spanBuf [64]span // most messages fit: no allocation
	spans := spanBuf[:0]
	start, clause := 0, 0
	last, run := rune(-1), 0
	put := func(r rune) {
		if r == last {
			run++
		} else {
			last, run = r, 1
		}
		if run <= 2 {
			buf = utf8.AppendRune(buf, r)
		}
	}
	flush := func() {
		if len(buf) > start {
			spans = append(spans, span{start, len(buf), clause})
		}
		start, last, run = len(buf), -1, 0
	}
	for _, r := range text {
		if r < 0x80 {
			switch {
			case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				put(r)
				continue
			case r >= 'A' && r <= 'Z':
				put(r + 'a' - 'A')
				continue
			case r == '\'' || r == '`' || r == '^':
				continue // an apostrophe joins ("zo'n"); '^' is a modifier symbol, dropped as all are
			default: // a space, punctuation, a control character: without the Unicode tables
				flush()
				if isClauseBreak(r) {
					clause++
				}
				continue
			}
		}
		if r == utf8.RuneError {
			flush()
			continue
		}
		r = unicode.ToLower(r)
		switch {
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			put(r)
		case isApostrophe(r):
			// dropped: joins "zo'n", "dm'en"; at the start of "'s nachts" it simply vanishes
		default:
			if s, ok := foldRune(r); ok {
				for _, fr := range s {
					put(fr)
				}
				continue
			}
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				if unicode.Is(unicode.Mn, r) { // combining accent: drop
					continue
				}
				put(r)
				continue
			}
			if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Sk, r) || r == 0x200d || r == 0xfe0f {
				continue // combining marks, skin tones, joiners, variation selectors
			}
			flush()
			if isClauseBreak(r) {
				clause++
			} else if isEmoji(r) {
				put(r)
				flush()
			}
		}
	}
	flush()
	all := string(buf)
	toks := make([]token, len(spans))
	for i, sp := range spans {
		toks[i] = token{text: all[sp.start:sp.end], clause: sp.clause}
	}
	return toks
}

// collapseRepeats shortens every run of more than max equal runes to max runes.
func collapseRepeats(s string, max int) string {
	if len(s) < max+1 {
		return s
	}
	var b strings.Builder
	var prev rune = -1
	n := 0
	changed := false
	for _, r := range s {
		if r == prev {
			n++
		} else {
			prev, n = r, 1
		}
		if n > max {
			changed = true
			continue
		}
		b.WriteRune(r)
	}
	if !changed {
		return s
	}
	return b.String()
}

// normalizeWords is tokenize for vocabulary entries: the token texts only.
func normalizeWords(s string) []string {
	toks := tokenize(s)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out
}

func stemDutch(w string) string {
	env := snowballstem.NewEnv(w)
	dutch.Stem(env)
	return env.Current()
}

func stemEnglish(w string) string {
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	return env.Current()
}

// isWordy reports whether w is made of letters (stemming digits or emoji makes no sense).
func isWordy(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
}

// vocabKeys is what a single vocabulary word can be found by: the word, its Dutch stem and its
// English stem.
func vocabKeys(w string) []string {
	keys := []string{w}
	if isWordy(w) && utf8.RuneCountInString(w) >= 3 {
		keys = appendNew(keys, stemDutch(w))
		keys = appendNew(keys, englishStem(w))
	}
	return keys
}

// englishStem is the English stem of w when it only cuts an ending off ("raped" -> "rape",
// "threatens" -> "threaten"), else "": English rules that rewrite a word give false friends on
// Dutch words ("waar" -> "war").
func englishStem(w string) string {
	s := stemEnglish(w)
	if s != w && strings.HasPrefix(w, s) {
		return s
	}
	return ""
}

// tokenKeys is what a word typed in a message is looked up by: the word, its Dutch and English
// stems, the single-letter variant of collapsed repeats, and the forms the Dutch stemmer leaves
// alone: past participles with ge- ("gepest" -> "pest", "gedreigd" -> "dreig") and a final -t/-d
// ("dreigt" -> "dreig", "bedreigd" -> "bedreig", "vermoordt" -> "vermoord").
func tokenKeys(w string) []string {
	keys := []string{w}
	if !isWordy(w) {
		return keys
	}
	if c := collapseRepeats(w, 1); c != w {
		keys = appendNew(keys, c)
	}
	n := len(keys)
	for i := 0; i < n; i++ {
		v := keys[i]
		if len(v) < 3 {
			continue
		}
		keys = appendNew(keys, stemDutch(v))
		keys = appendNew(keys, englishStem(v))
		if len(v) >= 5 && (strings.HasSuffix(v, "t") || strings.HasSuffix(v, "d")) && !strings.HasSuffix(v, "tt") && !strings.HasSuffix(v, "dd") {
			s := v[:len(v)-1]
			keys = appendNew(keys, s)
			if l := len(s); l >= 4 && s[l-1] == s[l-2] && !isVowel(s[l-1]) {
				keys = appendNew(keys, s[:l-1]) // "pestte" style doubles
			}
		}
		if len(v) >= 6 && strings.HasPrefix(v, "ge") {
			s := v[2:]
			keys = appendNew(keys, s)
			keys = appendNew(keys, stemDutch(s))
			if strings.HasSuffix(s, "t") || strings.HasSuffix(s, "d") {
				keys = appendNew(keys, s[:len(s)-1])
			}
		}
	}
	// a Dutch stem that ends in a doubled consonant ("mess" from "messen") also without the double
	for _, k := range keys[n:] {
		if l := len(k); l >= 4 && k[l-1] == k[l-2] && !isVowel(k[l-1]) {
			keys = appendNew(keys, k[:l-1])
		}
	}
	return keys
}

func isVowel(b byte) bool {
	switch b {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

func appendNew(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// deletions returns w with each single rune removed (for the symmetric-delete typo index).
func deletions(w string) []string {
	rs := []rune(w)
	out := make([]string, 0, len(rs))
	for i := range rs {
		d := string(rs[:i]) + string(rs[i+1:])
		out = appendNew(out, d)
	}
	return out
}

// withinOneEdit reports whether a and b differ by at most one insertion, deletion, substitution or
// swap of two neighbouring letters.
func withinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if i == len(ra) {
		return true // equal, or one letter added at the end
	}
	if len(ra) == len(rb) {
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true // substitution
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	}
	return string(ra[i:]) == string(rb[i+1:]) // one letter inserted
}
