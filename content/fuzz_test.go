package content_test

// FuzzContentLoad: any bytes in place of one content file. Its seeds are the real files (added
// here, so they follow the content) and the hand-made ones in testdata/fuzz/FuzzContentLoad/;
// plain `go test` runs them, `scripts/fuzz.sh` fuzzes for a few seconds. An input the fuzzer
// finds becomes a case of TestContentFuzzFindings below.

import (
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"

	"meldwijzer/content"
)

// loadedFiles are the content files that content.Load reads, in lexical order; a corpus entry's
// file index picks one modulo their number. vocabulary.yaml is the classifier's, not Load's.
func loadedFiles(tb testing.TB) (fstest.MapFS, []string) {
	tb.Helper()
	m := fstest.MapFS{}
	var names []string
	err := fs.WalkDir(content.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(content.FS, p)
		m[p] = &fstest.MapFile{Data: data}
		if p != "vocabulary.yaml" {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m, names
}

// FuzzContentLoad replaces one file of the real content with any bytes and loads it: never a
// panic, and either a bundle or content.Problems, each problem naming its file.
func FuzzContentLoad(f *testing.F) {
	base, names := loadedFiles(f)
	for i, name := range names {
		f.Add(uint8(i), base[name].Data)
	}
	f.Fuzz(func(t *testing.T, file uint8, data []byte) {
		checkLoad(t, base, names[int(file)%len(names)], data)
	})
}

func checkLoad(t *testing.T, base fstest.MapFS, name string, data []byte) {
	t.Helper()
	m := make(fstest.MapFS, len(base))
	for k, v := range base {
		m[k] = v
	}
	m[name] = &fstest.MapFile{Data: data}
	b, err := content.Load(m)
	var ps content.Problems
	switch {
	case b == nil && err == nil:
		t.Fatalf("%s = %q: neither a bundle nor an error", name, data)
	case b != nil && err != nil:
		t.Fatalf("%s = %q: a bundle and an error: %v", name, data, err)
	case err != nil && !errors.As(err, &ps):
		t.Fatalf("%s = %q: error %T is not content.Problems: %v", name, data, err, err)
	case err != nil && len(ps) == 0:
		t.Fatalf("%s = %q: an empty content.Problems", name, data)
	}
	for _, p := range ps {
		if p.File == "" || p.Message == "" {
			t.Fatalf("%s = %q: a problem without a file or message: %#v", name, data, p)
		}
	}
}

// TestContentFuzzFindings holds inputs that fuzzing found, each with the behaviour it should have.
func TestContentFuzzFindings(t *testing.T) {
	tests := []struct {
		name, file, data string
	}{
		// Found 2026-11: a file with no YAML document (empty, blank, only a comment, only "---")
		// decodes into a zero Flow or Institution, which wipes its unexported file field, so its
		// problems name no file: Problem{File:"", Message:`unknown audience ""`} and
		// Problem{File:"", Message:`institution id "" is not a lower-case id (a-z, 0-9, -)`}.
		// The fuzzer's input was flows/staff.yaml = "#".
		{"flow with only a comment", "flows/staff.yaml", "#"},
		{"empty flow", "flows/student.yaml", ""},
		{"flow with only a document start", "flows/staff.yaml", "---\n"},
		{"blank institution", "institutions/roc-voorbeeldstad.yaml", "\n\n"},
		{"empty institution", "institutions/techniek-college-denkbeeldig.yaml", ""},
	}
	base, _ := loadedFiles(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLoad(t, base, tt.file, []byte(tt.data))
		})
	}
}
