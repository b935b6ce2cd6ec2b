package dynamolocal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A missing jar is an error with the hint (Start turns it into t.Fatal, never a skip).
func TestMissingJarHint(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	_, err := Launch(Options{})
	if err == nil || !strings.Contains(err.Error(), "npm ci --prefix tools") {
		t.Fatalf("err = %v, want the npm ci hint", err)
	}
}
