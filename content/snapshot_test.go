package content

import (
	"bytes"
	"io/fs"
	"os"
	"reflect"
	"testing"
	"testing/fstest"
)

// The embedded snapshot is exactly what the generator writes from the YAML, and it decodes to
// exactly what Load gives: whoever edits the YAML must run go generate ./content.
func TestEmbeddedSnapshotIsGenerated(t *testing.T) {
	served, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	full, err := Load(FS)
	if err != nil {
		t.Fatal(err)
	}
	data, err := full.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, generated(t)) {
		t.Errorf("%s differs from what the YAML gives: run go generate ./content", SnapshotFile)
	}
	full.files = nil // the YAML syntax trees, kept only to give the line of a problem
	served.files = nil
	if !reflect.DeepEqual(full, served) {
		t.Errorf("%s gives other content than the YAML: run go generate ./content", SnapshotFile)
	}
}

// An edit to the YAML changes the snapshot, so the test above catches a forgotten go generate.
func TestSnapshotFollowsTheYAML(t *testing.T) {
	edited := fstest.MapFS{}
	err := fs.WalkDir(FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(FS, name)
		edited[name] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	routes := edited["routes.yaml"]
	routes.Data = bytes.Replace(routes.Data, []byte("source: https://www.politie.nl/"), []byte("source: https://politie.nl/"), 1)
	b, err := Load(edited)
	if err != nil {
		t.Fatal(err)
	}
	data, err := b.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(data, generated(t)) {
		t.Error("an edited route gives the same snapshot")
	}
}

// generated is the snapshot source as it is in the package (what the binaries are built with).
func generated(t *testing.T) []byte {
	t.Helper()
	src, err := os.ReadFile(SnapshotFile)
	if err != nil {
		t.Fatal(err)
	}
	return src
}
