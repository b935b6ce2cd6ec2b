// Command snapshot loads the content with the full check (content.Load, as `meldwijzer content
// check` does) and writes it as Go source (bundle_gen.go) into the content package, for
// LoadEmbedded to use at start-up instead of parsing the YAML. `go generate ./content` runs it;
// TestEmbeddedSnapshotIsGenerated checks that the embedded file is exactly what it writes.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"meldwijzer/content"
)

func main() {
	dir := flag.String("dir", ".", "the content package directory")
	flag.Parse()
	b, err := content.Load(os.DirFS(*dir))
	if err != nil {
		log.Fatal(err)
	}
	data, err := b.Snapshot()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*dir, content.SnapshotFile), data, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d flows, %d routes, %d institutions in %d bytes\n",
		content.SnapshotFile, len(b.Flows), len(b.Routes), len(b.Institutions), len(data))
}
