package meldwijzer_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mdPath is a Markdown file named in a comment or document.
var mdPath = regexp.MustCompile(`[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b`)

// pendingDocRefs are files that still name a document outside the repository and that another
// open change owns; remove an entry when its file points into docs/.
var pendingDocRefs = map[string]bool{}

// TestDocumentsExist checks that every Markdown file a source, content or document file names
// exists in the repository, so that the repository stands on its own (the design, the API
// contract and the toolchain are in docs/).
func TestDocumentsExist(t *testing.T) {
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "build", "cdk.out", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".go", ".yaml", ".md", ".js", ".mjs", ".html", ".css":
		default:
			if d.Name() != "Makefile" {
				return nil
			}
		}
		if pendingDocRefs[filepath.ToSlash(p)] || p == "docs_test.go" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, name := range mdPath.FindAllString(string(b), -1) {
			if strings.Contains(name, "://") {
				continue
			}
			if _, err := os.Stat(name); err == nil {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(p), name)); err == nil {
				continue
			}
			t.Errorf("%s names %s, which is not in the repository (put what a reader needs into docs/)", p, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
