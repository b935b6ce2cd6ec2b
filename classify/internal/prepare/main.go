// Command prepare writes the reader's prepared sources into the classify package:
// vocabulary_gen.go, the reviewed vocabulary (content/vocabulary.yaml) parsed, checked against the
// content's taxonomy as `meldwijzer content check` does, and compiled; and concepts_gen.go, the
// concept lexicon (concepts.tsv) parsed. The reader then starts from them without any work.
//
// `go generate ./classify` runs it before it trains the model (training reads the concepts, and
// each `go run` compiles the package anew, so the model is trained on the fresh lexicon);
// `go generate ./content` runs it after the content snapshot. TestPreparedVocabularyIsGenerated
// and TestConceptsAreGenerated check that the files are exactly what it writes. It reads only
// the sources, never the generated values, so it runs also when they are stale.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"meldwijzer/classify"
	"meldwijzer/content"
	"meldwijzer/wegwijzer"
)

func main() {
	dir := flag.String("dir", ".", "the classify package directory")
	contentDir := flag.String("content", "", "the content directory (default: content beside the classify directory)")
	flag.Parse()
	if *contentDir == "" {
		*contentDir = filepath.Join(*dir, "..", "content")
	}
	fsys := os.DirFS(*contentDir)
	b, err := content.Load(fsys)
	if err != nil {
		log.Fatal(err)
	}
	v, err := wegwijzer.LoadVocabulary(fsys, b)
	if err != nil {
		log.Fatal(err)
	}
	tsv, err := os.ReadFile(filepath.Join(*dir, "concepts.tsv"))
	if err != nil {
		log.Fatal(err)
	}
	concepts, err := classify.ConceptsSource(string(tsv))
	if err != nil {
		log.Fatal(err)
	}
	write(filepath.Join(*dir, classify.VocabularySourceFile), classify.VocabularySource(v))
	write(filepath.Join(*dir, classify.ConceptsSourceFile), concepts)
}

func write(name string, data []byte) {
	if err := os.WriteFile(name, data, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d bytes\n", name, len(data))
}
