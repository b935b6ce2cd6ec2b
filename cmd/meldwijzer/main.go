// Command meldwijzer is the local server and command-line tool:
//
//	meldwijzer serve [-demo] -addr 127.0.0.1:8080 -data DIR   the web app and the API
//	meldwijzer token -institution ID -role handler|viewer -data DIR   a token the local server accepts
//	meldwijzer institution add|list|show|remove ...            manage the institutions in the store
//	meldwijzer content check                           check content/ and list its problems
//	meldwijzer classify "text"                         what the guide reads in a typed message, and why
package main

import (
	"fmt"
	"os"
)

const usage = `usage:
  meldwijzer serve [-demo] [-addr 127.0.0.1:8080] [-data DIR] [-store bolt|dynamodb] [-hosts NAMES]
  meldwijzer token -institution ID [-role handler|viewer] [-data DIR]
  meldwijzer institution add -id ID -name NAME [-domain D]... [-contacts FILE.yaml] [-data DIR | -store dynamodb]
  meldwijzer institution list|show|remove [-id ID] [-data DIR | -store dynamodb]
  meldwijzer content check [-dir DIR]
  meldwijzer classify [-dir DIR] "text"
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "token":
		err = tokenCommand(os.Args[2:])
	case "institution":
		err = institutionCommand(os.Args[2:], os.Stdout)
	case "content":
		err = contentCommand(os.Args[2:])
	case "classify":
		err = classifyCommand(os.Args[2:], os.Stdout)
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "meldwijzer:", err)
		os.Exit(1)
	}
}
