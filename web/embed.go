// Package web holds the phone UI: static files, embedded into the local binary. On AWS the same
// files are served from S3 through CloudFront.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// Static is the web app's files, with index.html at the root.
var Static, _ = fs.Sub(files, "static")
